/** Types of nginx-config.mjs, which the TypeScript tests import. */
export function nginxConfig(options: {
  directory: string;
  listen: string;
  scgiPass?: string;
  location?: string;
  upstream?: string;
  logLevel?: string;
}): string;
