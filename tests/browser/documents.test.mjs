// documents.test.mjs — the document vault in the app: an owner files a photo
// from the documents screen (title, category, person), which the server
// types by its bytes and which gets the preview drawn by the browser (a
// JPEG of at most 320 px, shown in the list); a viewer sees the list but no
// upload controls; and "Share → carelog": a multipart POST of an image to
// the manifest's share target, submitted from the page as the phone's share
// sheet would, is taken by the service worker and opens the upload form
// with the shared file, which is then filed. The screen, list and form,
// fits a 320 px phone (tests/browser/layout.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useStack, familyWithBaby, accessLink, Client, uniqueEmail, signedInPage } from './harness.mjs';
import { layoutProblems } from './layout.mjs';

let server;
let browser;
useStack('documents', (s) => ({ server, browser } = s));

// A real PNG of w×h drawn in the page, as bytes.
async function png(page, w, h, colour) {
  const b64 = await page.evaluate(
    ([w, h, colour]) => {
      const c = document.createElement('canvas');
      c.width = w;
      c.height = h;
      const g = c.getContext('2d');
      g.fillStyle = colour;
      g.fillRect(0, 0, w, h);
      return c.toDataURL('image/png').split(',')[1];
    },
    [w, h, colour],
  );
  return Buffer.from(b64, 'base64');
}

// The list at `path` once its first document has a preview: the row may show
// (by the live stream) before the browser has stored the preview (10 s at most).
async function withPreview(client, path) {
  let list = await client.ok('GET', path);
  for (let i = 0; i < 50 && !list.documents[0]?.preview_type; i++) {
    await new Promise((r) => setTimeout(r, 200));
    list = await client.ok('GET', path);
  }
  return list;
}

test('documents: filed from the screen with a browser-made preview, seen by a viewer, and shared to the app', async () => {
  const owner = await familyWithBaby(server.base, { owner: 'Dana' });
  const fid = owner.family.id;
  const vic = await new Client(server.base).register(uniqueEmail('vic'), 'Vic');
  await vic.join(await accessLink(owner.client, fid, 'viewer'));
  const path = `/?family=${fid}&subject=${owner.subject.id}#/home`;
  const a = await signedInPage(browser, server.base, owner, { path });
  const { page } = a;

  // From the care links to the documents screen; a photo chosen and filed.
  await page.locator('#documents-link').click();
  await page.locator('#doc-empty').waitFor();
  assert.equal(await page.locator('#doc-camera').getAttribute('capture'), 'environment', 'a take-photo control');
  assert.equal(await page.locator('#doc-file').getAttribute('accept'), 'image/*,application/pdf');
  await page
    .locator('#doc-file')
    .setInputFiles({ name: 'card.png', mimeType: 'image/png', buffer: await png(page, 1200, 800, '#3d5a80') });
  await page.locator('#doc-form').waitFor();
  assert.equal(await page.locator('#doc-title').inputValue(), 'card', 'the title starts as the file name');
  await page.locator('#doc-title').fill('Insurance card front');
  await page.locator('#doc-category').selectOption('insurance');
  await page.locator('#doc-person').selectOption({ label: 'Noa' });
  await page.locator('#doc-save').click();
  const row = page.locator('li.doc', { hasText: 'Insurance card front' });
  await row.waitFor();
  assert.match(await row.innerText(), /Insurance · Noa/);

  const list = await withPreview(owner.client, `/api/v1/families/${fid}/documents`);
  assert.equal(list.documents.length, 1);
  const doc = list.documents[0];
  assert.equal(doc.content_type, 'image/png', 'typed by its bytes');
  assert.equal(doc.subject_id, owner.subject.id);
  assert.equal(doc.preview_type, 'image/jpeg', 'the browser drew a JPEG preview');
  // The preview shows in the list, at most 320 px on its longer side.
  await page.waitForFunction(() => document.querySelector('li.doc img')?.naturalWidth > 0, null, { timeout: 10000 });
  const size = await page.evaluate(() => {
    const img = document.querySelector('li.doc img');
    return [img.naturalWidth, img.naturalHeight];
  });
  assert.deepEqual(size, [320, 213]);

  // It fits a small phone: the list, then the form with a file chosen.
  await page.setViewportSize({ width: 320, height: 640 });
  assert.deepEqual(await page.evaluate(layoutProblems), [], 'the list at 320 px');
  await page.locator('#doc-file').setInputFiles({
    name: 'a-very-long-file-name-of-a-scanned-report.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.7\n'),
  });
  await page.locator('#doc-form').waitFor();
  assert.deepEqual(await page.evaluate(layoutProblems), [], 'the form at 320 px');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.setViewportSize({ width: 390, height: 844 });

  // A viewer sees it, and no upload control.
  const v = await signedInPage(browser, server.base, vic, { path: `/?family=${fid}#/documents` });
  await v.page.locator('li.doc', { hasText: 'Insurance card front' }).waitFor();
  assert.equal(await v.page.locator('#doc-file').count(), 0, 'no upload for a viewer');

  // Share → carelog: the phone's share sheet POSTs multipart to the share
  // target; the service worker keeps the file and opens the upload form.
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 60000 });
  const shared = await png(page, 200, 300, '#ee6c4d');
  await page.evaluate(
    ([b64]) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const form = document.createElement('form');
      form.method = 'post';
      form.enctype = 'multipart/form-data';
      form.action = '/share-target';
      const title = document.createElement('input');
      title.name = 'title';
      title.value = 'Prescription photo';
      const input = document.createElement('input');
      input.type = 'file';
      input.name = 'file';
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'IMG_0042.png', { type: 'image/png' }));
      input.files = dt.files;
      form.append(title, input);
      document.body.append(form);
      form.submit();
    },
    [shared.toString('base64')],
  );
  await page.waitForURL(/#\/documents\/share$/);
  await page.locator('#doc-form').waitFor();
  assert.match(await page.locator('#doc-picked').innerText(), /IMG_0042\.png/);
  assert.equal(await page.locator('#doc-title').inputValue(), 'Prescription photo');
  await page.locator('#doc-category').selectOption('prescription');
  await page.locator('#doc-save').click();
  await page.locator('li.doc', { hasText: 'Prescription photo' }).waitFor();
  const after = await withPreview(owner.client, `/api/v1/families/${fid}/documents?category=prescription`);
  assert.equal(after.documents.length, 1, 'the shared image is filed');
  assert.equal(after.documents[0].size, shared.length, 'with its bytes');
  assert.equal(after.documents[0].preview_type, 'image/jpeg');

  assert.deepEqual(a.errors, []);
  assert.deepEqual(v.errors, []);
});
