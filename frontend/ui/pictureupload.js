// The host's picture under the ink: choose a file (or drop it on the board), upload it, and
// set it as the class setting `picture`. The server checks the host key, the type and the size;
// this only says what it answered.

import { gettext, interpolate } from '../i18n.js';

const ACCEPTED = 'image/png,image/jpeg,application/pdf,.png,.jpg,.jpeg,.pdf';

/**
 * A "Picture" row in `container` (the class panel's settings), and drops on `dropTarget` while
 * `enabled()` (the host). onPicture(digest or null) sets it; onPages(assets) takes a PDF of
 * several pages, [{digest, ...}] in order.
 */
export function createPictureUpload(container, { uploadUrl, hostKey, enabled, onPicture, onPages, notify, dropTarget }) {
  const row = document.createElement('div');
  row.className = 'class-setting picture-setting';
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = ACCEPTED;
  input.dataset.role = 'picture-file';
  input.setAttribute('aria-label', gettext('Picture under the ink'));
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'text-button';
  remove.dataset.role = 'picture-remove';
  remove.textContent = gettext('No picture');
  remove.addEventListener('click', () => onPicture(null));
  input.addEventListener('change', () => {
    if (input.files?.length) upload(input.files[0]);
    input.value = '';
  });
  row.append(document.createTextNode(`${gettext('Picture')} `), input, remove);
  container.append(row);

  dropTarget.addEventListener('dragover', (event) => {
    if (!enabled() || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  dropTarget.addEventListener('drop', (event) => {
    if (!enabled() || !event.dataTransfer?.files.length) return;
    event.preventDefault();
    upload(event.dataTransfer.files[0]);
  });

  async function upload(file) {
    notify(interpolate(gettext('Uploading %(name)s…'), { name: file.name }));
    let response;
    try {
      response = await fetch(uploadUrl, {
        method: 'POST',
        body: file,
        headers: { 'Content-Type': file.type || 'application/octet-stream', Authorization: `Bearer ${hostKey()}` },
      });
    } catch {
      notify(gettext('The picture could not be uploaded: not connected'));
      return;
    }
    if (!response.ok) {
      // The server's message says what was wrong with the file (type, size, password).
      const reason = (await response.text()).slice(0, 200);
      notify(interpolate(gettext('The picture was refused: %(reason)s'), { reason }));
      return;
    }
    const { assets } = await response.json();
    if (assets?.length > 1) onPages(assets);
    else if (assets?.length) onPicture(assets[0].digest);
  }

  return { element: row, upload };
}
