using System.Text;

namespace LanSpread.Cli.Tests.Terminal;

/// <summary>
/// A small model of what a terminal shows after a byte stream: printable text at the cursor, CR/LF,
/// cursor movement (CSI A/B/C/D/G/H), erase in line and display (CSI K/J), autowrap at the width; colour
/// and mode sequences are ignored. The canvas grows downwards without scrolling, so a live display's
/// redraws (cursor up, rewrite) land on the rows they overwrite, as on screen.
/// </summary>
internal sealed class TerminalScreen(int width)
{
    private readonly List<StringBuilder> _rows = [new()];
    private int _row;
    private int _col;

    private readonly HashSet<int> _wrapped = [];

    /// <summary>Rows whose text ran past the width and wrapped onto the next row.</summary>
    public IReadOnlyCollection<int> WrappedRows => _wrapped;

    /// <summary>The rows, without trailing blanks.</summary>
    public IReadOnlyList<string> Rows => _rows.Select(r => r.ToString().TrimEnd()).ToList();

    public void Feed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\u001b':
                    i = Escape(text, i);
                    break;
                case '\r':
                    _col = 0;
                    break;
                case '\n':
                    MoveTo(_row + 1, _col);
                    break;
                case '\b':
                    _col = Math.Max(0, _col - 1);
                    break;
                case '\t':
                    _col = Math.Min(width - 1, (_col / 8 + 1) * 8);
                    break;
                default:
                    if (!char.IsControl(c))
                    {
                        Put(c);
                    }

                    break;
            }
        }
    }

    private void Put(char c)
    {
        if (_col >= width)
        {
            // Autowrap: the character after the last column starts the next row.
            _wrapped.Add(_row);
            MoveTo(_row + 1, 0);
        }

        var row = _rows[_row];
        while (row.Length <= _col)
        {
            row.Append(' ');
        }

        row[_col] = c;
        _col++;
    }

    private void MoveTo(int row, int col)
    {
        _row = Math.Max(0, row);
        while (_rows.Count <= _row)
        {
            _rows.Add(new StringBuilder());
        }

        _col = Math.Clamp(col, 0, width);
    }

    private int Escape(string text, int start)
    {
        if (start + 1 >= text.Length)
        {
            return start;
        }

        var kind = text[start + 1];
        if (kind == ']')
        {
            // OSC: up to BEL or ST.
            var end = start + 2;
            while (end < text.Length && text[end] != '\u0007' && !(text[end] == '\u001b' && end + 1 < text.Length && text[end + 1] == '\\'))
            {
                end++;
            }

            return end < text.Length && text[end] == '\u001b' ? end + 1 : end;
        }

        if (kind != '[')
        {
            return start + 1; // ESC =, ESC >, ESC 7 … : modes this model ignores
        }

        var i = start + 2;
        var parameters = new StringBuilder();
        while (i < text.Length && (text[i] is (>= '0' and <= '9') or ';' or '?' or '>' or '<' or '='))
        {
            parameters.Append(text[i]);
            i++;
        }

        if (i >= text.Length)
        {
            return i;
        }

        var numbers = parameters.ToString().TrimStart('?', '>', '<', '=').Split(';').Select(p => int.TryParse(p, out var n) ? n : (int?)null).ToArray();
        int Arg(int index, int fallback) => index < numbers.Length && numbers[index] is { } n && n > 0 ? n : fallback;
        switch (text[i])
        {
            case 'A':
                MoveTo(_row - Arg(0, 1), _col);
                break;
            case 'B':
                MoveTo(_row + Arg(0, 1), _col);
                break;
            case 'C':
                _col = Math.Min(width, _col + Arg(0, 1));
                break;
            case 'D':
                _col = Math.Max(0, _col - Arg(0, 1));
                break;
            case 'G':
                _col = Math.Clamp(Arg(0, 1) - 1, 0, width);
                break;
            case 'H' or 'f':
                MoveTo(Arg(0, 1) - 1, Arg(1, 1) - 1);
                break;
            case 'K':
                EraseInLine(numbers.Length > 0 && numbers[0] is { } mode ? mode : 0);
                break;
            case 'J':
                EraseInDisplay(numbers.Length > 0 && numbers[0] is { } display ? display : 0);
                break;
        }

        return i;
    }

    private void EraseInLine(int mode)
    {
        var row = _rows[_row];
        switch (mode)
        {
            case 0 when _col < row.Length:
                row.Length = _col;
                break;
            case 1:
                for (var c = 0; c <= Math.Min(_col, row.Length - 1); c++)
                {
                    row[c] = ' ';
                }

                break;
            case 2:
                row.Clear();
                break;
        }
    }

    private void EraseInDisplay(int mode)
    {
        if (mode == 0)
        {
            EraseInLine(0);
            _rows.RemoveRange(_row + 1, _rows.Count - _row - 1);
        }
        else if (mode is 2 or 3)
        {
            _rows.ForEach(r => r.Clear());
        }
    }
}
