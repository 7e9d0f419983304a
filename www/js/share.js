// share.js — where a file shared to the app ("Share → carelog", the
// manifest's share_target) waits: the service worker keeps it in this cache
// under this key, and the documents screen (#/documents/share) takes it.
export const SHARE_CACHE = 'carelog-shared';
export const SHARE_KEY = '/shared-file';
export const SHARE_PATH = '/share-target';
