import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yazl from 'yazl';

/** Zip a fixture folder into a temp file (files stored under `prefix`, e.g. an extra top folder). */
export async function zipFolder(dir: string, options: { prefix?: string; zip64?: boolean } = {}): Promise<string> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fledge-zip-')), `${path.basename(dir)}.zip`);
  const zip = new yazl.ZipFile();
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const relPath = rel ? `${rel}/${name}` : name;
      const full = path.join(dir, relPath);
      if (fs.statSync(full).isDirectory()) walk(relPath);
      else zip.addFile(full, `${options.prefix ?? ''}${relPath}`);
    }
  };
  walk('');
  zip.end(options.zip64 ? { forceZip64Format: true } as yazl.EndOptions : undefined);
  await new Promise<void>((resolve, reject) => {
    const sink = fs.createWriteStream(out);
    zip.outputStream.pipe(sink).on('close', resolve).on('error', reject);
  });
  return out;
}
