/** fledge's version, as in package.json (shown by --version and recorded in plans). */
export const VERSION = '0.1.0';
