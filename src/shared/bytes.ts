/** A byte count for people: "256 KB", "8 MB", "1.5 MB" (KB and MB of 1024). */
export function formatBytes(n: number): string {
  const mb = 1024 * 1024;
  return n >= mb ? `${+(n / mb).toFixed(1)} MB` : n >= 1024 ? `${+(n / 1024).toFixed(1)} KB` : `${n} bytes`;
}
