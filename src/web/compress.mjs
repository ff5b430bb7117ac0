// Writes a brotli (.br) and a gzip (.gz) variant beside every built file worth compressing. The
// daemon embeds the variants instead of the file (WebApp.targets) and picks one by Accept-Encoding,
// so it never compresses at run time; a client that accepts neither gets the gzip decompressed.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = new URL('./dist/', import.meta.url).pathname;
const compressible = /\.(html|js|css|svg|json|webmanifest|txt|map)$/;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

let count = 0;
for (const path of [...files(root)]) {
  if (!compressible.test(path)) continue;
  const data = readFileSync(path);
  const br = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } });
  const gz = gzipSync(data, { level: 9 });
  // A variant that saves nothing is left out: the file is served as it is.
  if (br.length < data.length) writeFileSync(`${path}.br`, br);
  if (gz.length < data.length) writeFileSync(`${path}.gz`, gz);
  count++;
}
console.log(`compressed ${count} files (brotli and gzip)`);
