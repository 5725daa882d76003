import { describe, expect, it } from 'vitest';
import { checkServerUrl, serverChoice, serverFallbackLine } from '../scripts/start-lib.mjs';
import { chooseTarget, relaunchArgs } from './config';
import { parseServerUrl, sameOrigin, serverFromArgv } from './server-url';

const GOOD: [string, string, string][] = [
  ['http://192.168.1.20:8080/', 'http://192.168.1.20:8080/', 'http://192.168.1.20:8080'],
  [' https://labels.example.org ', 'https://labels.example.org/', 'https://labels.example.org'],
  ['http://host:8080/?token=abc', 'http://host:8080/?token=abc', 'http://host:8080'],
  ['http://[::1]:9000/x', 'http://[::1]:9000/x', 'http://[::1]:9000'],
];
const BAD: [unknown, RegExp][] = [
  ['', /give the campaign server address/],
  [undefined, /give the campaign server address/],
  ['ftp://host/', /is not an http or https URL/],
  ['file:///etc/passwd', /is not an http or https URL/],
  ['javascript:alert(1)', /is not an http or https URL/],
  ['app://fieldmark/index.html', /is not an http or https URL/],
  ['host:8080', /is not an http or https URL/],
  ['192.168.1.20:8080', /is not a URL/],
  ['http://user:pw@host/', /holds a user name or password/],
  ['https://user@host/', /holds a user name or password/],
  ['not a url', /is not a URL/],
  [`http://h/${'a'.repeat(2100)}`, /longer than 2048/],
];

describe('--server URL', () => {
  it('accepts http(s) URLs with a host and keeps path and query', () => {
    for (const [raw, url, origin] of GOOD) {
      expect(parseServerUrl(raw), raw).toEqual({ ok: true, url, origin });
      expect(checkServerUrl(raw), raw).toEqual({ ok: true, url, origin });
    }
  });

  it('refuses everything else with one line, the same in the app and in npm start', () => {
    for (const [raw, re] of BAD) {
      const a = parseServerUrl(raw);
      expect(a.ok, String(raw)).toBe(false);
      if (a.ok) continue;
      expect(a.message).toMatch(re);
      expect(a.message).toMatch(/^--server: /);
      expect(a.message).not.toContain('\n');
      expect(a.message.length).toBeLessThan(200);
      expect(checkServerUrl(raw)).toEqual(a);
    }
  });

  it('reads --server URL and --server=URL, the last one winning; a bare flag is an empty value', () => {
    expect(serverFromArgv(['electron', 'main.cjs', '--server', 'http://a/'])).toBe('http://a/');
    expect(serverFromArgv(['--server=http://b/', '--server', 'http://c/'])).toBe('http://c/');
    expect(serverFromArgv(['--server'])).toBe('');
    expect(serverFromArgv(['--server', '--db', 'x'])).toBe('');
    expect(serverFromArgv(['--db', 'x'])).toBeNull();
  });

  it('one origin: scheme, host and port, no credentials', () => {
    const ok = sameOrigin('http://host:8080');
    expect(ok('http://host:8080/#task=3')).toBe(true);
    expect(ok('http://host:8080/export/labels.geojson?x=1')).toBe(true);
    for (const url of ['https://host:8080/', 'http://host:8081/', 'http://host/', 'http://evil.example/', 'http://u:p@host:8080/', 'app://fieldmark/', 'javascript:1', 'nope', 3]) {
      expect(ok(url), String(url)).toBe(false);
    }
  });
});

describe('what the app opens', () => {
  const base = { userDataDir: '/u', cwd: '/w' };
  it('--server wins, FIELDMARK_SERVER next unless --db is given, then the database', () => {
    expect(chooseTarget({ ...base, argv: ['--server', 'http://h:1/'], env: { FIELDMARK_DB: 'a.db' } })).toEqual({ kind: 'server', url: 'http://h:1/', origin: 'http://h:1' });
    expect(chooseTarget({ ...base, argv: [], env: { FIELDMARK_SERVER: 'https://s/' } })).toMatchObject({ kind: 'server', url: 'https://s/' });
    expect(chooseTarget({ ...base, argv: ['--db', 'x.db'], env: { FIELDMARK_SERVER: 'https://s/' } })).toEqual({ kind: 'db', choice: { path: '/w/x.db', source: 'argv' } });
    expect(chooseTarget({ ...base, argv: [], env: {} })).toEqual({ kind: 'db', choice: { path: '/u/campaign.db', source: 'default' } });
  });

  it('refuses a bad server, or both flags, naming where the value came from', () => {
    expect(chooseTarget({ ...base, argv: ['--server', 'ftp://h/'], env: {} })).toEqual({ kind: 'error', message: '--server: "ftp://h/" is not an http or https URL' });
    expect(chooseTarget({ ...base, argv: [], env: { FIELDMARK_SERVER: 'h:1' } })).toEqual({ kind: 'error', message: 'FIELDMARK_SERVER: "h:1" is not an http or https URL' });
    expect(chooseTarget({ ...base, argv: ['--server', 'http://h/', '--db', 'x.db'], env: {} })).toMatchObject({ kind: 'error', message: expect.stringContaining('cannot be used together') });
  });

  it('npm start reads the same choice', () => {
    expect(serverChoice(['--server', 'http://h:1/'], {})).toEqual({ ok: true, url: 'http://h:1/', origin: 'http://h:1' });
    expect(serverChoice([], { FIELDMARK_SERVER: 'https://s/' })).toMatchObject({ ok: true, url: 'https://s/' });
    expect(serverChoice(['--db', 'x.db'], { FIELDMARK_SERVER: 'https://s/' })).toBeNull();
    expect(serverChoice([], {})).toBeNull();
    expect(serverChoice([], { FIELDMARK_SERVER: 'h:1' })).toEqual({ ok: false, message: 'FIELDMARK_SERVER: "h:1" is not an http or https URL' });
    expect(serverChoice(['--server=http://h/', '--db=x.db'], {})).toMatchObject({ ok: false, message: expect.stringContaining('cannot be used together') });
    expect(serverFallbackLine('http://h:1/', 'no display')).toBe('no display: open http://h:1/ in your browser (the campaign server serves the same app there)');
  });

  it('relaunch arguments drop every --db / --server and add the new one', () => {
    const argv = ['/usr/bin/electron', '/app/main.cjs', '--db', 'old.db', '--server=http://x/', '--verbose', '--server', 'http://y/'];
    expect(relaunchArgs(argv, { db: '/data/p.fmpkg' })).toEqual(['/app/main.cjs', '--verbose', '--db', '/data/p.fmpkg']);
    expect(relaunchArgs(argv, { server: 'http://h:1/' })).toEqual(['/app/main.cjs', '--verbose', '--server', 'http://h:1/']);
    expect(relaunchArgs(['/opt/Fieldmark/fieldmark'], { db: '/d/c.db' })).toEqual(['--db', '/d/c.db']);
  });
});
