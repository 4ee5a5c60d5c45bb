import type { AttachmentDto, ChatRest } from '@chat-service/client';
import { h } from './dom';

const imageTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** Blob URLs by attachment id: an attachment never changes under its id, so one fetch is enough. */
const blobUrls = new Map<string, Promise<string>>();

function blobUrl(rest: ChatRest, attachment: AttachmentDto): Promise<string> {
  let url = blobUrls.get(attachment.id);
  if (!url) {
    url = rest.downloadAttachment(attachment.url).then((blob) => URL.createObjectURL(blob));
    url.catch(() => blobUrls.delete(attachment.id));
    blobUrls.set(attachment.id, url);
  }
  return url;
}

/** Images inline, other files as a download link; bytes are fetched with the Bearer token. */
export function attachmentView(rest: ChatRest, attachment: AttachmentDto): HTMLElement {
  if (imageTypes.has(attachment.contentType)) {
    const img = h('img', { class: 'attachment-image', alt: attachment.fileName, loading: 'lazy' });
    void blobUrl(rest, attachment).then((url) => (img.src = url)).catch(() => (img.alt = `${attachment.fileName} (unavailable)`));
    return h('figure', { class: 'attachment' }, img, h('figcaption', {}, attachment.fileName));
  }
  const link = h('a', { class: 'attachment-file', href: '#', rel: 'noopener noreferrer' }, `${attachment.fileName} (${formatSize(attachment.size)})`);
  link.addEventListener('click', async (e) => {
    e.preventDefault();
    const url = await blobUrl(rest, attachment);
    const a = h('a', { href: url, download: attachment.fileName });
    a.click();
  });
  return h('div', { class: 'attachment' }, link);
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
