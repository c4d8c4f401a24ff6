import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parsePieces } from '../../../src/adapters/file/pieces.js';
import { splitServices } from '../../../src/adapters/file/split.js';
import { loadYaml } from '../../../src/adapters/file/yaml-load.js';
import { blockLayoutDoc } from '../../support/block-layout-doc.js';

function piecesOf(text: string): string[] {
  const split = splitServices(text);
  assert.ok(split !== undefined, 'not split');
  return split.chunks.map((c) => c.text);
}

/** loadYaml, recording the texts it was given. */
function recordingLoad(calls: string[]): (text: string) => unknown {
  return (text) => {
    calls.push(text);
    return loadYaml(text);
  };
}

describe('parsePieces', () => {
  test('pieces of the bench layout never reach js-yaml, and read as js-yaml reads them', () => {
    const pieces = piecesOf(blockLayoutDoc(40));
    const calls: string[] = [];
    const values = parsePieces(pieces, recordingLoad(calls));
    assert.deepEqual(calls, []);
    assert.deepStrictEqual(values, loadYaml(pieces.join('\n')));
  });

  test('only the pieces outside the fast subset go to js-yaml, in one call; values stay in file order', () => {
    const text = [
      'services:',
      '  - name: a',
      '  - name: b # a comment',
      '  - name: c',
      '    labels: { v: 1.10 }',
      '  - name: "d"',
      '    port: 010',
      '  - name: e',
    ].join('\n');
    const pieces = piecesOf(text);
    const calls: string[] = [];
    const values = parsePieces(pieces, recordingLoad(calls));
    assert.deepEqual(calls, [[pieces[1], pieces[3]].join('\n')]);
    assert.deepStrictEqual(values, loadYaml(pieces.join('\n')));
  });

  test('a piece js-yaml cannot read, or that is not one item, makes the whole batch unreadable', () => {
    assert.equal(parsePieces(['  - name: a', '  - name: [b']), undefined);
    assert.equal(parsePieces(['  - name: a', '  - name: b # two items\n  - name: c']), undefined);
  });
});
