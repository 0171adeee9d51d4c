// Bundle the front end's pages into bundle/ (not committed), where collectstatic and
// whitenoise find them as static/bundle/<page>.js (draw/staticfinders.py).
// Usage: npm run build   (bin/setup runs it; run it again after changing frontend/)
//
// A page loaded as its own ES modules fetched them level by level, one import depth at a
// time, before any script ran (docs/performance.md, "Joining a big board"). One file a page is
// fetched at once. It holds p5 whole, as every other page's does: chunks shared between pages
// would be one more round of requests, found only once the page's file is in.

import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
// Every page's entry module: the board, the projector, the replay, the lessons, the host's grid.
export const PAGES = ['main', 'show', 'replayview', 'archive', 'grid'];
const OUT = `${root}bundle`;

// The modules import p5 by its static URL (settings NPM_STATIC_FILES), as the browser found
// it when they were served one by one; the bundle takes the same file from node_modules.
const npmStaticFiles = {
  name: 'npm-static-files',
  setup(build) {
    build.onResolve({ filter: /\/vendor\/p5\/p5\.esm\.min\.js$/ }, () => ({
      path: `${root}node_modules/p5/lib/p5.esm.min.js`,
    }));
  },
};

await rm(OUT, { recursive: true, force: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: PAGES.map((page) => `frontend/${page}.js`),
  outdir: OUT,
  bundle: true,
  format: 'esm',
  minify: true,
  sourcemap: 'linked',
  target: 'es2022',
  plugins: [npmStaticFiles],
  logLevel: 'warning',
});
