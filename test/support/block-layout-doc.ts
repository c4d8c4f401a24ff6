/**
 * A file registry in the usual block layout: n services of 10 instances each
 * (the file bench's shape, ~1.2 kB per service). `bump` moves the first
 * address of service `changed`.
 */
export function blockLayoutDoc(n: number, changed = -1, bump = 0): string {
  const out = ['services:'];
  for (let i = 0; i < n; i++) {
    out.push(`  - name: svc-${i}`, '    protocol: http', '    instances:');
    for (let j = 0; j < 10; j++) {
      const last = j + 1 + (i === changed && j === 0 ? 100 + bump : 0);
      out.push(
        `      - address: 10.${(i >> 8) & 255}.${i & 255}.${last}`,
        '        port: 8080',
        `        labels: { version: v${j % 3}, zone: z${j % 2} }`,
        `        locality: region-1/zone-${j % 2}`,
      );
    }
  }
  return out.join('\n') + '\n';
}
