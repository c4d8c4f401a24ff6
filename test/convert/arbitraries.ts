/**
 * fast-check arbitraries for registry services as adapters could hand them to
 * the converter: any strings (Object.prototype member names, control
 * characters, unicode, lone surrogates, very long ones), odd numbers (NaN,
 * infinities, negatives, fractions, huge), addresses that are nearly right,
 * and many instances, mixed with plausible values so that most services do
 * convert and the validator has something to check.
 */
import fc from 'fast-check';
import type { RegistryInstance, RegistryService } from '../../src/model/registry.js';

const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  '__lookupSetter__',
  'propertyIsEnumerable',
  'toLocaleString',
];

/** Strings a hostile or sloppy registry could hold. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string() },
  { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.constantFrom('\0', '\n', '\t', '\u202e', '\ufeff', '.', '-', '_', '/', '%', ':', '*', ' '),
      maxLength: 12,
    }),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 400 }).map((n) => 'a'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '.', '..', '-', '*', '*.x.com', '1.10', 'TRUE', 'null') },
);

const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?$/);
const hostName = fc.array(dnsLabel, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.'));

const ipv4 = fc.ipV4();
/** Addresses: valid IPv4/IPv6, host names, and the near misses the converter must refuse. */
export const anyAddress: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: ipv4 },
  { weight: 2, arbitrary: fc.ipV6() },
  { weight: 2, arbitrary: hostName },
  { weight: 1, arbitrary: hostName.map((h) => `${h.toUpperCase()}.`) },
  { weight: 1, arbitrary: fc.ipV6().map((a) => `${a}%eth0`) },
  { weight: 1, arbitrary: fc.ipV4Extended() },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.integer({ min: 0, max: 999 }), { minLength: 1, maxLength: 6 })
      .map((xs) => xs.join('.')),
  },
  { weight: 1, arbitrary: anyString },
);

export const anyPort: fc.Arbitrary<number> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(80, 443, 8080, 9090, 20880) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 65535 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(0, -1, 65536, 1.5, NaN, Infinity, -Infinity, 2 ** 53, Number.MAX_VALUE, -0),
  },
  { weight: 1, arbitrary: fc.double() },
);

const anyProtocol: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('http', 'HTTP', 'grpc', 'tcp', ' h2 ', 'dubbo', 'tls', 'redis', 'https'),
  },
  { weight: 2, arbitrary: anyString },
);

/** Labels as a registry hands them over: own keys, `__proto__` included (JSON.parse-like). */
const anyLabels: fc.Arbitrary<Record<string, string>> = fc
  .array(
    fc.tuple(
      fc.oneof(anyString, fc.constantFrom('app', 'version', 'zone', 'example.com/team', 'a/b/c')),
      fc.oneof(anyString, fc.constantFrom('v1', '1.10', 'true', '')),
    ),
    { maxLength: 6 },
  )
  .map((entries) => Object.fromEntries(entries));

const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.option(arb, { nil: undefined, freq: 2 });

export const anyInstance: fc.Arbitrary<RegistryInstance> = fc
  .record({
    id: optional(anyString),
    address: anyAddress,
    port: anyPort,
    protocol: optional(anyProtocol),
    labels: anyLabels,
    healthy: fc.boolean(),
    locality: optional(fc.oneof(anyString, fc.constantFrom('us-east/1a', 'eu/west/b'))),
    weight: optional(
      fc.oneof(fc.integer({ min: 1, max: 100 }), fc.double(), fc.constantFrom(2 ** 40, -5, NaN)),
    ),
    network: optional(anyString),
    serviceAccount: optional(anyString),
  })
  .map(
    (r) =>
      Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as RegistryInstance,
  );

export const anyService: fc.Arbitrary<RegistryService> = fc
  .record({
    id: anyString,
    name: fc.oneof(anyString, dnsLabel),
    namespace: optional(fc.oneof(anyString, dnsLabel)),
    host: optional(fc.oneof(anyString, hostName, fc.constantFrom('.', 'svc.123', '*.example.com'))),
    protocol: optional(anyProtocol),
    annotations: optional(fc.dictionary(fc.constantFrom('registry-bridge.io/x', 'a'), anyString)),
    // Mostly a handful of instances; one service in 16 has dozens (so addresses and ports repeat).
    instances: fc.oneof(
      { weight: 15, arbitrary: fc.array(anyInstance, { maxLength: 6 }) },
      { weight: 1, arbitrary: fc.array(anyInstance, { minLength: 30, maxLength: 80 }) },
    ),
  })
  .map(
    (r) =>
      Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as unknown as RegistryService,
  );
