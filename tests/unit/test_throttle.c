/* test_throttle.c — how the sign-in throttle names a client address: IPv4 as
 * it is, IPv6 by its /64, so one host cannot spread guesses over 2^64
 * addresses. */
#include "tap.h"
#include "security/throttle.h"

/* Two buffers in turn, so one check can compare two results. */
static const char *block(const char *addr)
{
    static char out[2][80];
    static int turn;
    turn ^= 1;
    throttle_addr_block(addr, out[turn], sizeof out[turn]);
    return out[turn];
}

int main(void)
{
    is_str(block("192.0.2.7"), "192.0.2.7", "IPv4 counts as itself");
    is_str(block("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64",
           "IPv6 counts as its /64");
    is_str(block("2001:db8:1:2::1"), block("2001:db8:1:2:ffff::9"),
           "…so two hosts of a /64 are one");
    ok(strcmp(block("2001:db8:1:2::1"), block("2001:db8:1:3::1")) != 0, "…and another /64 is not");
    is_str(block("::ffff:192.0.2.7"), "::ffff:192.0.2.7", "an IPv4-mapped address stays whole");
    is_str(block("::1"), "::/64", "loopback is a /64 like any other");
    is_str(block("not an address"), "not an address", "anything else counts as its text");
    return done_testing();
}
