// passkey.js — passkeys (WebAuthn) for the sign-in and account screens:
// the server's options (base64url in JSON) into the browser's calls and
// the credential back out as JSON. The server checks everything; nothing
// here decides who may sign in.
import { post } from './api.js';

const fromB64 = (s) => {
  const b = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
};
const toB64 = (buf) =>
  btoa(String.fromCharCode(...new Uint8Array(buf)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

export function passkeysSupported() {
  return typeof window.PublicKeyCredential === 'function' && !!navigator.credentials;
}

// Adds a passkey to the signed-in account; `name` labels it ("Pixel 8").
export async function addPasskey(name) {
  const { publicKey } = await post('/auth/passkeys/challenge', { purpose: 'register' });
  const cred = await navigator.credentials.create({
    publicKey: {
      ...publicKey,
      challenge: fromB64(publicKey.challenge),
      user: { ...publicKey.user, id: fromB64(publicKey.user.id) },
      excludeCredentials: publicKey.excludeCredentials.map((c) => ({ ...c, id: fromB64(c.id) })),
    },
  });
  const body = {
    id: cred.id,
    type: 'public-key',
    response: {
      clientDataJSON: toB64(cred.response.clientDataJSON),
      attestationObject: toB64(cred.response.attestationObject),
    },
  };
  if (name) body.name = name;
  return post('/auth/passkeys', body);
}

// Signs in with a passkey this device (or a phone nearby) holds.
export async function signInWithPasskey() {
  const { publicKey } = await post('/auth/passkeys/challenge', { purpose: 'login' });
  const cred = await navigator.credentials.get({
    publicKey: { ...publicKey, challenge: fromB64(publicKey.challenge), allowCredentials: [] },
  });
  const r = cred.response;
  return post('/auth/passkeys/login', {
    id: cred.id,
    type: 'public-key',
    response: {
      clientDataJSON: toB64(r.clientDataJSON),
      authenticatorData: toB64(r.authenticatorData),
      signature: toB64(r.signature),
      userHandle: r.userHandle ? toB64(r.userHandle) : null,
    },
  });
}
