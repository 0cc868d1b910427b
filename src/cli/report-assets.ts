import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AppError, EXIT } from '../domain/errors.js';
import type { ReportAssets } from './render/report-html.js';

/**
 * The report page's script and stylesheet, as `npm run build` bundled them (scripts/bundle-report.js,
 * sources in src/report/page/). This file sits two folders below the package root both as source
 * (src/cli/) and compiled (dist/cli/), so one relative path serves the CLI and the tests alike.
 */
const ASSET_DIR = new URL('../../dist/report/', import.meta.url);

let cached: ReportAssets | null = null;

export function loadReportAssets(): ReportAssets {
  if (cached !== null) return cached;
  try {
    cached = {
      script: fs.readFileSync(new URL('page.js', ASSET_DIR), 'utf8'),
      css: fs.readFileSync(new URL('page.css', ASSET_DIR), 'utf8'),
    };
  } catch (error) {
    throw new AppError('E_REPORT_ASSETS', EXIT.internal, `the report page's bundled script or stylesheet is missing from ${fileURLToPath(ASSET_DIR)}: ${(error as Error).message}`, {
      hint: 'this installation is incomplete: run `npm run build` in the fledge folder (or reinstall fledge)',
      cause: error,
    });
  }
  return cached;
}
