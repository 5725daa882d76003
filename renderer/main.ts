/** The renderer's entry point (bundled to dist/renderer/app.js by scripts/build.mjs). */
import { App } from './app';

const root = document.getElementById('app');
if (!root) throw new Error('fieldmark: #app is missing from index.html');
const app = new App(root);
app.start().catch((e: unknown) => app.banners.error(e instanceof Error ? e.message : String(e)));
