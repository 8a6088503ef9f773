// The bug hunt's Web Worker (src/hunt_worker.rs): loads the worker bundle beside this file and starts it. A wasm
// that fails to load or start rejects a promise, which never reaches the page's `onerror`: say so, and the page
// hunts by itself.
importScripts('./hunt-worker.js');
wasm_bindgen('./hunt-worker_bg.wasm').catch(function (e) { postMessage('failed: ' + e); });
