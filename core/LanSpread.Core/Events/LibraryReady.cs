namespace LanSpread.Core.Events;

/// <summary>
/// The background hashing of the library finished: every game queued so far has its manifest (and is
/// announced). Raised once per start when the first scan's games are hashed (also when nothing needed
/// hashing), then each time the hashing queue runs empty again after hashing.
/// </summary>
/// <param name="GamesHashed">Games hashed since the queue last ran empty.</param>
/// <param name="BytesHashed">Bytes read to hash them (files already in the index read nothing).</param>
/// <param name="Seconds">Time from the first of them to the last.</param>
public sealed record LibraryReady(int GamesHashed, long BytesHashed, double Seconds) : PeerEvent;
