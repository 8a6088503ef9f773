//! The player: playback state as a reducer (cursor, speed, play/pause), the speed scale, and the animation-frame
//! clock that drives it.

use gloo::render::{request_animation_frame, AnimationFrame};
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Playback speeds run on a log scale: slider value `s` means `10^s` times real time.
pub const SPEED_LOG_MIN: f64 = -2.0;
pub const SPEED_LOG_MAX: f64 = 2.0;
/// Messages take 8 to 24 ms by default: at 0.05x a message takes a third of a second to cross the screen.
pub const SPEED_LOG_DEFAULT: f64 = -1.3;

#[derive(Clone, Debug, PartialEq)]
pub struct Player {
    pub cursor_us: f64,
    /// The first moment the player can show: where the kept history of a long run starts (0 for a whole run).
    pub start_us: u64,
    pub end_us: u64,
    pub playing: bool,
    pub speed_log: f64,
    /// Playing pauses here once: the first violation, so nobody misses it.
    pub pause_at: Option<u64>,
    /// The speed a [`PlayerAction::PlayTo`] sped up from: put back when it arrives, forgotten when the reader picks
    /// a speed or a moment of their own meanwhile.
    pub speed_before: Option<f64>,
    /// The run is still being simulated: `end_us` is how far it is computed, so playing waits there (it goes on
    /// when [`PlayerAction::Extend`] brings more) instead of stopping.
    pub partial: bool,
    /// A moment asked for beyond what is computed yet: the player goes there once it is ([`PlayerAction::Extend`]).
    pub pending_us: Option<u64>,
}

pub enum PlayerAction {
    /// Real milliseconds elapsed since the last frame.
    Tick(f64),
    Toggle,
    Restart,
    Seek(u64),
    /// Seek and pause (stepping to the next or previous event).
    Step(u64),
    Speed(f64),
    /// Play on to a moment and pause there (a tour's question plays to the moment that answers it), faster if
    /// needed so that it takes at most [`PLAY_TO_MAX_MS`] of real time.
    PlayTo(u64),
    /// More of the run is computed (or all of it: `partial` false): its playable span now, and its first
    /// violation after `start_us` (where playing pauses once, if it has not yet).
    Extend {
        start_us: u64,
        end_us: u64,
        partial: bool,
        first_violation: Option<u64>,
    },
}

/// The longest a [`PlayerAction::PlayTo`] takes, in real milliseconds.
pub const PLAY_TO_MAX_MS: f64 = 4000.0;

impl Player {
    /// The reader picks moment `t`: there, or as far as is computed and there once it is.
    fn go(&mut self, t: u64) {
        self.cursor_us = t.clamp(self.start_us, self.end_us) as f64;
        self.pending_us = (self.partial && t > self.end_us).then_some(t);
        self.speed_before = None;
    }
}

impl Reducible for Player {
    type Action = PlayerAction;
    fn reduce(self: Rc<Self>, action: PlayerAction) -> Rc<Self> {
        let mut p = (*self).clone();
        match action {
            PlayerAction::Tick(dt_ms) => {
                if !p.playing {
                    return self;
                }
                let dt = dt_ms.clamp(0.0, 250.0); // a background tab must not jump far ahead
                p.cursor_us += dt * 1000.0 * crate::math::pow(10.0, p.speed_log);
                if let Some(stop) = p.pause_at.filter(|&stop| p.cursor_us >= stop as f64) {
                    p.cursor_us = stop as f64;
                    p.playing = false;
                    p.pause_at = None;
                    if let Some(s) = p.speed_before.take() {
                        p.speed_log = s;
                    }
                }
                if p.cursor_us >= p.end_us as f64 {
                    p.cursor_us = p.end_us as f64;
                    // At the end of what is computed so far, playing waits for more.
                    p.playing &= p.partial;
                }
            }
            PlayerAction::Toggle => {
                if !p.playing && !p.partial && p.cursor_us >= p.end_us as f64 {
                    p.cursor_us = p.start_us as f64;
                }
                p.playing = !p.playing;
            }
            PlayerAction::Restart => {
                p.cursor_us = p.start_us as f64;
                p.pending_us = None;
            }
            PlayerAction::Seek(t) => p.go(t),
            PlayerAction::Step(t) => {
                p.go(t);
                p.playing = false;
            }
            PlayerAction::Extend { start_us, end_us, partial, first_violation } => {
                let computed_before = p.end_us;
                (p.start_us, p.end_us, p.partial) = (start_us, end_us.max(start_us), partial);
                // On towards a moment asked for beyond what was computed: there once it is, meanwhile as far as is.
                if let Some(t) = p.pending_us {
                    p.cursor_us = t.min(p.end_us) as f64;
                    p.pending_us = p.pending_us.filter(|&t| t > p.end_us && partial);
                }
                p.cursor_us = p.cursor_us.clamp(p.start_us as f64, p.end_us as f64);
                // A first violation beyond what was computed before still pauses playing once (one already computed
                // was either paused at or is still ahead in `pause_at`).
                if p.pause_at.is_none() {
                    p.pause_at = first_violation.filter(|&t| t >= computed_before && t as f64 > p.cursor_us);
                }
                // The whole run ends before a moment played to: it stops at the end, at the reader's own speed.
                if !partial && p.pause_at.is_some_and(|t| t > p.end_us) {
                    p.pause_at = None;
                    if let Some(s) = p.speed_before.take() {
                        p.speed_log = s;
                    }
                }
            }
            PlayerAction::Speed(s) => {
                p.speed_log = s.clamp(SPEED_LOG_MIN, SPEED_LOG_MAX);
                p.speed_before = None;
            }
            PlayerAction::PlayTo(t) => {
                p.pending_us = None;
                let t = t.clamp(p.start_us, if p.partial { t } else { p.end_us });
                if (t as f64) > p.cursor_us {
                    let needed = crate::math::log10((t as f64 - p.cursor_us) / (PLAY_TO_MAX_MS * 1000.0));
                    let faster = p.speed_log.max(needed).clamp(SPEED_LOG_MIN, SPEED_LOG_MAX);
                    if faster != p.speed_log {
                        p.speed_before = p.speed_before.or(Some(p.speed_log));
                        p.speed_log = faster;
                    }
                    p.pause_at = Some(t);
                    p.playing = true;
                }
            }
        }
        // Unchanged (a repeated Extend, a frame held at the computed end): the same state, so no render.
        if p == *self {
            self
        } else {
            Rc::new(p)
        }
    }
}

pub fn speed_text(speed_log: f64) -> String {
    let s = crate::math::pow(10.0, speed_log);
    if s >= 10.0 {
        format!("{s:.0}x")
    } else if s >= 1.0 {
        format!("{s:.1}x")
    } else if s >= 0.1 {
        format!("{s:.2}x")
    } else {
        format!("{s:.3}x")
    }
}

/// The handler of a player's range input (speed, scrubber): its value turned into an action.
pub fn on_range(p: UseReducerDispatcher<Player>, action: fn(f64) -> PlayerAction) -> Callback<InputEvent> {
    Callback::from(move |e: InputEvent| {
        // The browser's own number parsing: Rust's `str::parse::<f64>` would add 14 KB to the bundle.
        let v = e.target_unchecked_into::<HtmlInputElement>().value_as_number();
        if v.is_finite() {
            p.dispatch(action(v));
        }
    })
}

/// Calls `on_frame` with the real milliseconds between animation frames while `active`.
#[hook]
pub fn use_animation_frames(active: bool, on_frame: Callback<f64>) {
    use_effect_with(active, move |&active| {
        let slot: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
        fn schedule(slot: Rc<RefCell<Option<AnimationFrame>>>, last: Option<f64>, on_frame: Callback<f64>) {
            let next = slot.clone();
            let frame = request_animation_frame(move |ts| {
                if let Some(prev) = last {
                    on_frame.emit(ts - prev);
                }
                schedule(next, Some(ts), on_frame);
            });
            *slot.borrow_mut() = Some(frame);
        }
        if active {
            schedule(slot.clone(), None, on_frame);
        }
        move || {
            slot.borrow_mut().take();
        }
    });
}
