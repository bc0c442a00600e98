import { type SourceFile } from './source-repository.port.js';

/**
 * Parses `git ls-tree -r -z --full-tree` output: `<mode> SP <type> SP <object> TAB <path>` NUL.
 * Keeps blobs (files and symlinks); gitlinks (submodules) are not part of the tree on disk.
 */
export function parseLsTree(output: string): SourceFile[] {
  const files: SourceFile[] = [];
  for (const record of output.split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode, type, object] = record.slice(0, tab).split(' ');
    if (tab < 0 || !mode || !type || !object) {
      throw new Error(`unexpected git ls-tree output: \`${record.slice(0, 120)}\``);
    }
    if (type !== 'blob') continue;
    files.push({ path: record.slice(tab + 1), blobSha: object, mode: Number.parseInt(mode, 8) });
  }
  return files;
}
