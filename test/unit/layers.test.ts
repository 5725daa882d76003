import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile, checkTree, findCycle, importsOf } from './import-rules';

const root = resolve(__dirname, '../..');

describe('layer import rules (ARCHITECTURE.md)', () => {
  it('the tree has no forbidden import and no import cycle', () => {
    const r = checkTree(root);
    expect(r.files).toBeGreaterThan(20);
    expect(r.violations).toEqual([]);
    expect(r.cycle).toBeNull();
  });

  it('finds every kind of import statement', () => {
    const src = `import a from 'x';\nimport { b } from "./y";\nexport * from './z';\nimport './side';\nconst c = await import('dyn');\nconst d = require('req');\n// import nope from 'comment'\nimport type { T } from 'types-only';`;
    expect(importsOf(src).sort()).toEqual(['./side', './y', './z', 'dyn', 'req', 'types-only', 'x'].sort());
  });

  it('refuses node built-ins and native packages in src/common', () => {
    const f = join(root, 'src/common/bad.ts');
    const r = checkFile(root, f, `import { readFileSync } from 'node:fs';\nimport Database from 'better-sqlite3';\nimport path from 'path';`);
    expect(r.violations.map((v) => v.spec)).toEqual(['node:fs', 'better-sqlite3', 'path']);
  });

  it('refuses src/node and electron in the renderer', () => {
    const f = join(root, 'renderer/bad.ts');
    const r = checkFile(root, f, `import { openService } from '../src/node/service/open-service';\nimport { ipcRenderer } from 'electron';\nimport { createClient } from '../src/common/api/client';`);
    expect(r.violations.map((v) => v.reason)).toEqual(['renderer may not import from node', 'renderer may not import electron']);
  });

  it('refuses electron in src/node and src/node in src/common', () => {
    expect(checkFile(root, join(root, 'src/node/x.ts'), `import { app } from 'electron';`).violations).toHaveLength(1);
    expect(checkFile(root, join(root, 'src/common/x.ts'), `import { openService } from '../node/service/open-service';`).violations).toHaveLength(1);
  });

  it('detects an import cycle', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', []],
    ]);
    expect(findCycle(g)).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle(new Map([['a', ['b']], ['b', []]]))).toBeNull();
  });
});
