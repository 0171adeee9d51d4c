// Downloads that name their reader: the page asks with its token or host key in a header (never
// in an address, which ends up in logs) and saves the answer under a file name.

/** Fetch `url` as `credential`'s and save it as `filename`; whether it was saved. */
export async function downloadAs(url, filename, credential) {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${credential}` } });
  if (!response.ok) return false;
  const saved = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = saved;
  link.download = filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(saved), 1000);
  return true;
}
