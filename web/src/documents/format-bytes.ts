/** "1.2 MB", "340 KB", "12 bytes". */
export function formatBytes(size: bigint | number): string {
  const bytes = Number(size);
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
