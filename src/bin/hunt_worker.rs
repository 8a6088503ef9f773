//! The bug hunt's Web Worker (see `checkout_explorer::hunt_worker`): Trunk builds it as a worker bundle of its own,
//! `hunt-worker.js` and `hunt-worker_bg.wasm`, beside the page with its loader `hunt-worker-loader.js`. Each
//! message is a job; each answer one line of text. It says `ready` first: messages sent before its wasm started
//! would have been lost.

fn main() {
    #[cfg(target_arch = "wasm32")]
    worker::listen();
}

#[cfg(target_arch = "wasm32")]
mod worker {
    use checkout_explorer::hunt_worker::{answer_text, READY};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    pub fn listen() {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let reply = scope.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let answer = answer_text(&e.data().as_string().unwrap_or_default());
            let _ = reply.post_message(&answer.into());
        });
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget(); // it lives as long as the worker
        let _ = scope.post_message(&READY.into());
    }
}
