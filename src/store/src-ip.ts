// The `srcIp` column: the client address as written in ClientIP (or ClientIPAddress, …), less what
// is not the address. Both stores run these steps in SQL at ingest.

/**
 * Forms seen in real records (docs/real-records.md): IPv6 in
 * brackets with a port (`[2001:db8::1]:443`), IPv4 with a port (`203.0.113.7:51234`), and IPv4
 * written as IPv6: `::ffff:10.11.12.13`, and `ffff:10.11.0.229` as Microsoft's Copilot example
 * writes it, both become the IPv4. IPv6 is lower-cased. Each step is a replacement of the whole
 * string (RE2 syntax, which DuckDB and ClickHouse share), so the address is read once.
 */
export const SRC_IP_STEPS: ReadonlyArray<readonly [pattern: string, replacement: string]> = [
  ['^\\[([^\\]]*)\\](:[0-9]+)?$', '\\1'],
  ['^([0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+):[0-9]+$', '\\1'],
  ['(?i)^(?:(?:0{1,4}:){5}|::|:)?ffff:([0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+)$', '\\1'],
];
