// Hands a text to the browser as a file download (a Blob URL on a temporary link), for exports and
// backups the gateway produced. The URL is revoked once the click has been dispatched.
export function saveTextFile(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked on the next turn: Chromium starts the download from the click, not synchronously.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
