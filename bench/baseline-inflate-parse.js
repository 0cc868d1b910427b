#!/usr/bin/env node
// Benchmark baseline (issue 2, "Done when"): the least work any reader must do on a modern archive —
// open the zip through its central directory (yauzl), inflate every tweets part, strip the
// `window.YTD.tweets.partN = ` prefix (archive-format.md §3.1) and JSON.parse it, one part after the
// other. Nothing else: no normalisation, no media index, no graph. fledge inspect is compared to this.
//
//   node bench/baseline-inflate-parse.js <archive.zip>   → prints the number of tweet objects parsed
import yauzl from 'yauzl';

const PART = /(^|\/)data\/tweets?(-part\d+)?\.js$/;

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node bench/baseline-inflate-parse.js <archive.zip>\n');
  process.exit(2);
}

/** @returns {Promise<yauzl.ZipFile>} */
const open = () => new Promise((resolve, reject) => {
  yauzl.open(file, { lazyEntries: true, autoClose: true }, (err, zip) => (err ? reject(err) : resolve(zip)));
});

/** @param {yauzl.ZipFile} zip @param {yauzl.Entry} entry @returns {Promise<Buffer>} */
const inflate = (zip, entry) => new Promise((resolve, reject) => {
  zip.openReadStream(entry, (err, stream) => {
    if (err) { reject(err); return; }
    /** @type {Buffer[]} */ const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(chunks)));
  });
});

const zip = await open();
let tweets = 0;
let parts = 0;
await new Promise((resolve, reject) => {
  zip.on('entry', (/** @type {yauzl.Entry} */ entry) => {
    if (!PART.test(entry.fileName)) { zip.readEntry(); return; }
    inflate(zip, entry).then((buf) => {
      const text = buf.toString('utf8');
      const parsed = JSON.parse(text.slice(text.indexOf('=') + 1));
      tweets += parsed.length;
      parts++;
      zip.readEntry();
    }, reject);
  });
  zip.on('end', resolve);
  zip.on('error', reject);
  zip.readEntry();
});
process.stdout.write(JSON.stringify({ parts, tweets }) + '\n');
