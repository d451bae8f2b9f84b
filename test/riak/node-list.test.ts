import { describe, expect, it } from "vitest";
import { parseRiakNodes } from "../../src/riak/node-list.js";

describe("parseRiakNodes", () => {
  it("reads host:port entries and defaults the port to 8087", () => {
    expect(
      parseRiakNodes("h1:8087, h2 ,10.0.0.3:10017,[::1]:9000,[fe80::1],riak-1.example_net"),
    ).toEqual([
      { host: "h1", port: 8087 },
      { host: "h2", port: 8087 },
      { host: "10.0.0.3", port: 10017 },
      { host: "::1", port: 9000 },
      { host: "fe80::1", port: 8087 },
      { host: "riak-1.example_net", port: 8087 },
    ]);
  });

  it.each([
    ["h1,,h2", /entry 2 is empty/],
    ["", /entry 1 is empty/],
    ["h1:abc", /invalid Riak node "h1:abc": the port must be a number from 1 to 65535/],
    ["h1:0", /invalid Riak node "h1:0"/],
    ["h1:65536", /invalid Riak node "h1:65536"/],
    ["h1:", /invalid Riak node "h1:"/],
    [
      "::1",
      /invalid Riak node "::1": expected host or host:port, .* with IPv6 addresses in brackets/,
    ],
    ["h 1:8087", /invalid Riak node "h 1:8087"/],
    ["h1:8087,h1", /Riak node "h1" is listed twice/],
    ["~", /invalid Riak node "~": expected host or host:port, the host a DNS name or IP address/],
    ["h1:1 #", /invalid Riak node "h1:1 #": the port must be/],
    ["-h1", /invalid Riak node "-h1"/],
    ["h1..h2", /invalid Riak node "h1..h2"/],
    ["[h1]:8087", /invalid Riak node "\[h1\]:8087"/],
    ["[::1", /invalid Riak node "\[::1"/],
  ])("rejects %j", (list, message) => {
    expect(() => parseRiakNodes(list)).toThrow(message);
  });
});
