import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  javaUrlDecode,
  parseDubboUrl,
  parseProviderNode,
} from '../../../src/adapters/zookeeper/dubbo-url.js';
import { javaUrlEncode } from '../../support/dubbo-zk.js';
import { RECORDED_DUBBO_CHILD, RECORDED_TRI_CHILD } from './recorded.js';

function ok(child: string) {
  const r = parseProviderNode(child);
  assert.ok('url' in r, `expected a URL, got ${JSON.stringify(r)}`);
  return r.url;
}

test('a recorded Dubbo 3.3.6 provider node decodes to protocol, address, port, interface and parameters', () => {
  const url = ok(RECORDED_DUBBO_CHILD);
  assert.equal(url.protocol, 'dubbo');
  assert.equal(url.host, '192.0.2.2');
  assert.equal(url.port, 41001);
  assert.equal(url.path, 'io.registrybridge.fixture.GreetingService');
  assert.equal(url.params.get('group'), 'g1');
  assert.equal(url.params.get('version'), '1.0.0');
  assert.equal(url.params.get('prefer.serialization'), 'hessian2,fastjson2');
  assert.equal(ok(RECORDED_TRI_CHILD).protocol, 'tri');
});

test("Java URLEncoder decoding: + is a space, %XX are UTF-8 bytes, and ! ' ( ) ~ come back", () => {
  const raw = "dubbo://10.0.0.1:20880/a.B?app=demo app&who=o'brien(~)!&city=zürich&eq=a%3Db";
  assert.equal(javaUrlDecode(javaUrlEncode(raw)), raw);
  assert.equal(javaUrlDecode('a+b%2Bc'), 'a b+c');
  assert.equal(javaUrlDecode('bad%E0%A4'), undefined, 'a cut UTF-8 sequence is refused');
  assert.equal(javaUrlDecode('bad%ZZ'), undefined);
});

test('rest://, tri:// and other protocols parse with their parameters', () => {
  for (const p of ['rest', 'tri', 'grpc', 'hessian', 'thrift']) {
    const url = ok(javaUrlEncode(`${p}://10.0.0.1:8080/x.Y?k=v`));
    assert.equal(url.protocol, p);
    assert.equal(url.params.get('k'), 'v');
  }
});

test('IPv6 hosts in brackets (and without) are read without brackets', () => {
  assert.equal(ok(javaUrlEncode('dubbo://[fd00::1:2]:20880/x.Y')).host, 'fd00::1:2');
  assert.equal(ok(javaUrlEncode('dubbo://fd00::7:20880/x.Y')).host, 'fd00::7');
});

test('user:password in a URL is kept out of the display form', () => {
  const r = parseDubboUrl('dubbo://admin:s3cret@10.0.0.1:20880/x.Y?a=b');
  assert.ok('url' in r);
  assert.equal(r.url.host, '10.0.0.1');
  assert.ok(!r.url.display.includes('s3cret'), r.url.display);
});

test('malformed URLs are refused with a reason, never thrown', () => {
  const cases = [
    'no-protocol',
    javaUrlEncode('dubbo://10.0.0.1/x.Y'),
    javaUrlEncode('dubbo://10.0.0.1:notaport/x.Y'),
    javaUrlEncode('dubbo://10.0.0.1:70000/x.Y'),
    javaUrlEncode('dubbo://[nothex]:1/x'),
    javaUrlEncode('dubbo://bad host:1/x'),
    'dubbo%3A%2F%2F10.0.0.1%3A1%2Fx%ZZ',
    'x'.repeat(70_000),
  ];
  for (const c of cases) {
    const r = parseProviderNode(c);
    assert.ok('error' in r, `${c.slice(0, 60)} should be refused`);
    assert.ok(r.error.length > 0);
  }
});

test('a parameter named __proto__ or constructor is plain data', () => {
  const url = ok(javaUrlEncode('dubbo://10.0.0.1:1/x?__proto__=p&constructor=c&toString=t'));
  assert.equal(url.params.get('__proto__'), 'p');
  assert.equal(url.params.get('constructor'), 'c');
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
});
