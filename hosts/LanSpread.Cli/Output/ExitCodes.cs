namespace LanSpread.Cli.Output;

/// <summary>Process exit codes (documented in --help and the README).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int NotFound = 3;
    public const int Timeout = 4;
    public const int TransferFailed = 5;
    public const int InstallFailed = 6;

    public const string Help = "Exit codes: 0 success, 1 other failure, 2 usage error, 3 game not found, 4 timeout, 5 transfer failed, 6 install failed.";
}
