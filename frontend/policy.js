// Who may do what on a board: the browser's mirror of draw/policy.py, `can()` with the same
// actions and rules. The page asks it only to hide what the server would refuse anyway.

export const HOST = 'host';
export const STUDENT = 'student';
export const VIEWER = 'viewer';

export const DRAW = 'draw'; // begin a stroke, or undo or redo one's own changes
export const ERASE_OWN = 'erase_own'; // erase one's own strokes
export const ERASE_ANY = 'erase_any'; // erase strokes of others
export const CLEAR = 'clear';
export const REMOVE_INK = 'remove_ink'; // hide every stroke of one participant
export const REMOVE = 'remove'; // close a participant's sockets and refuse its token
export const SET_CLASS = 'set_class';
export const LASER = 'laser';
export const IN_A_LANE = 'in_a_lane'; // draw, erase or move on one student's page

export const ACTIONS = Object.freeze([
  DRAW,
  ERASE_OWN,
  ERASE_ANY,
  CLEAR,
  REMOVE_INK,
  REMOVE,
  SET_CLASS,
  LASER,
  IN_A_LANE,
]);

const HOST_ONLY = new Set([ERASE_ANY, REMOVE_INK, REMOVE, SET_CLASS, IN_A_LANE]);
// What every student may do on a board that has no host.
const OPEN_CANVAS = new Set([CLEAR, ERASE_ANY]);

/** Whether `participant` ({role}) may do `action` on a board with these class settings. */
export function can(participant, action, settings) {
  if (!ACTIONS.includes(action)) throw new Error(`unknown action '${action}'`);
  if (participant.role === HOST) return true;
  if (participant.role !== STUDENT) return false;
  // A board nobody hosts is an open canvas, everyone equal, as before class mode.
  if (OPEN_CANVAS.has(action) && !settings.hosted) return true;
  if (HOST_ONLY.has(action) || action === CLEAR) return false;
  if (action === DRAW) return !settings.pens_down;
  if (action === LASER) return settings.student_laser;
  return true; // ERASE_OWN
}
