// TODO(consul adapter): measure change-to-sink latency of the Consul adapter
// against a real agent (test/support/consul.ts), for N services and
// maxConcurrentQueries above and below N. Not written yet.
export {};
