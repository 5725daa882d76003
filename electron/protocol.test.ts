import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../src/common/api/errors';
import { CONTENT_SECURITY_POLICY } from './csp';
import { createAppProtocolHandler, mimeType, PRIVILEGED_SCHEME, resolveStaticPath } from './protocol';
import { fakeService } from './testing/fake-service';

let root: string;
let rendererDir: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fieldmark-protocol-'));
  rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'sub'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Fieldmark</title>');
  writeFileSync(join(rendererDir, 'app.js'), 'console.log(1)');
  writeFileSync(join(rendererDir, 'sub', 'maplibre-gl.css'), 'body{}');
  writeFileSync(join(rendererDir, '.env'), 'SECRET=1');
  writeFileSync(join(root, 'secret.txt'), 'outside the renderer');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function handler(renderTile?: Parameters<typeof fakeService>[0]) {
  const { service } = fakeService(renderTile);
  return { service, handle: createAppProtocolHandler({ rendererDir, service }) };
}

const get = (h: (r: Request) => Promise<Response>, url: string, method = 'GET') => h(new Request(url, { method }));

describe('app:// scheme', () => {
  it('is registered standard, secure, fetch-capable and streaming', () => {
    expect(PRIVILEGED_SCHEME).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    });
  });

  it('serves index.html for / and files with their MIME types', async () => {
    const { handle } = handler();
    for (const url of ['app://fieldmark/', 'app://fieldmark/index.html']) {
      const res = await get(handle, url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toContain('<title>Fieldmark</title>');
    }
    const js = await get(handle, 'app://fieldmark/app.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const css = await get(handle, 'app://fieldmark/sub/maplibre-gl.css?v=1');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(mimeType('x.wasm')).toBe('application/wasm');
    expect(mimeType('x.unknown')).toBe('application/octet-stream');
  });

  it('sets a strict CSP and nosniff on every response, errors included', async () => {
    const { handle } = handler();
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).toMatch(/worker-src [^;]*blob:/);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src[^;]*unsafe-inline/);
    for (const url of ['app://fieldmark/', 'app://fieldmark/missing.js', 'app://fieldmark/tiles/s1/1/0/0.png', 'app://fieldmark/tiles/bad']) {
      const res = await get(handle, url);
      const csp = res.headers.get('content-security-policy');
      expect(csp, url).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('refuses path traversal, dot-files and odd paths', async () => {
    const { handle } = handler();
    const bad = [
      'app://fieldmark/..%2Fsecret.txt',
      'app://fieldmark/sub/..%2F..%2Fsecret.txt',
      'app://fieldmark/%2e%2e%2fsecret.txt',
      'app://fieldmark/..%5Csecret.txt',
      'app://fieldmark/sub%5C..%5C..%5Csecret.txt',
      'app://fieldmark/%2Fetc%2Fpasswd',
      'app://fieldmark/.env',
      'app://fieldmark/index.html%00.png',
      'app://fieldmark/%E0%A4%A',
      'app://fieldmark/sub',
    ];
    for (const url of bad) {
      const res = await get(handle, url);
      expect(res.status, url).toBe(404);
      expect(await res.text()).not.toContain('outside the renderer');
    }
    // The URL parser already folds plain `..` segments into the root.
    expect((await get(handle, 'app://fieldmark/../../secret.txt')).status).toBe(404);
    expect(resolveStaticPath(rendererDir, '/..%2F..%2Fsecret.txt')).toBeNull();
    expect(resolveStaticPath(rendererDir, '/C:/windows')).toBeNull();
    expect(resolveStaticPath(rendererDir, '/sub/maplibre-gl.css')).toBe(join(rendererDir, 'sub', 'maplibre-gl.css'));
  });

  it('answers 404 for missing files and foreign hosts, 405 for other methods', async () => {
    const { handle } = handler();
    expect((await get(handle, 'app://fieldmark/nope.js')).status).toBe(404);
    expect((await get(handle, 'app://evil/index.html')).status).toBe(404);
    expect((await get(handle, 'app://fieldmark:8080/index.html')).status).toBe(404);
    expect((await get(handle, 'app://fieldmark/index.html', 'POST')).status).toBe(405);
    const head = await get(handle, 'app://fieldmark/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('renders a tile through the service with the local caller', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const { handle, service } = handler(async () => png);
    const res = await get(handle, 'app://fieldmark/tiles/scene-1/3/2/1.png?bands=4,3,2&stretch=2,98&size=512');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(png);
    expect(service.renderTile).toHaveBeenCalledWith(service.localCaller, {
      sceneId: 'scene-1',
      z: 3,
      x: 2,
      y: 1,
      bands: [4, 3, 2],
      stretch: [2, 98],
      size: 512,
    }, expect.objectContaining({ signal: expect.anything() }));
  });

  it('answers a transparent PNG of the tile size when the tile misses the scene', async () => {
    const { handle } = handler(async () => null);
    const res = await get(handle, 'app://fieldmark/tiles/scene-1/0/0/0.png');
    expect(res.status).toBe(200);
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(body.readUInt32BE(16)).toBe(256); // IHDR width
    expect(body.readUInt32BE(20)).toBe(256);
    expect(body[25]).toBe(6); // RGBA
  });

  it('answers 4xx with a text body for bad tile paths and service errors', async () => {
    const { handle, service } = handler(async () => {
      throw new ApiError('NOT_FOUND', 'no such scene: ghost');
    });
    const cases: [string, number][] = [
      ['app://fieldmark/tiles/s1/1/5/0.png', 400], // outside the grid
      ['app://fieldmark/tiles/s1/1/0/0.png?bands=1,2', 400],
      ['app://fieldmark/tiles/s1/1/0/0.png?size=1024', 400],
      ['app://fieldmark/tiles/bad%20id/1/0/0.png', 400],
      ['app://fieldmark/tiles/s1/1/0/0.jpg', 404],
      ['app://fieldmark/tiles/', 404],
      ['app://fieldmark/tiles/ghost/1/0/0.png', 404], // thrown by renderTile
    ];
    for (const [url, status] of cases) {
      const res = await get(handle, url);
      expect(res.status, url).toBe(status);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text()).toMatch(/^(BAD_ARGUMENTS|NOT_FOUND): /);
    }
    expect(service.renderTile).toHaveBeenCalledTimes(1);
  });

  it('hides unexpected tile failures behind a 500', async () => {
    const errors: string[] = [];
    const { service } = fakeService(async () => {
      throw new Error('disk on fire at /secret/path');
    });
    const handle = createAppProtocolHandler({ rendererDir, service, onError: (what) => errors.push(what) });
    const res = await get(handle, 'app://fieldmark/tiles/s1/0/0/0.png');
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('/secret/path');
    expect(errors).toHaveLength(1);
  });
});
