namespace LanSpread.Plugins.Tests.Transports;

public sealed class QuicTransportConformanceTests() : TransportConformance("quic")
{
    [QuicFact]
    public Task Echo_round_trip() => Echo_round_trip_with_verified_identities_on_both_ends();

    [QuicFact]
    public Task Concurrent_streams() => Many_concurrent_streams_to_one_peer_all_complete_intact();

    [QuicFact]
    public Task Large_transfer() => A_large_transfer_arrives_byte_for_byte();

    [QuicFact]
    public Task Identity_mismatch_refused() => A_peer_whose_certificate_does_not_match_the_advertised_id_is_refused();

    [QuicFact]
    public Task Aborted_stream_isolated() => An_aborted_stream_does_not_disturb_the_next_ones();

    [QuicFact]
    public Task Closed_listener() => A_closed_listener_yields_no_more_streams();
}
