// Sketchsite wire protocol v4, browser side. Mirrors draw/protocol.py: same message
// types, same limits, same checks, same error codes; docs/protocol.md documents both and
// tests/fixtures/protocol.json drives the tests of both.

import { BACKGROUND_KINDS, DEFAULT_BACKGROUND } from './backgrounds.js';
import { ID_PATTERN, ItemError, MAX_STRIDE, checkItemPoints, checkPositions, loneSurrogateIn, parseItem } from './items.js';

export const PROTOCOL_VERSION = 5;

export const STROKE_BEGIN = 'stroke.begin';
export const STROKE_POINTS = 'stroke.points';
export const STROKE_END = 'stroke.end';
export const UNDO = 'undo';
export const REDO = 'redo';
export const ERASE = 'erase';
export const CLEAR = 'clear';
export const CLASS = 'class';
export const REMOVE_INK = 'remove.ink';
export const REMOVE = 'remove';
export const LASER = 'laser';
export const MOVE = 'move';

export const WELCOME = 'welcome';
export const SNAPSHOT = 'snapshot';
export const BATCH = 'batch';
export const EVENT = 'event';
export const ACK = 'ack';
export const STROKE_DROP = 'stroke.drop';
export const ERROR = 'error';
export const PRESENCE = 'presence';
export const PACE = 'pace';
// `class` and `laser` travel both ways: the server relays and announces them under the same names.

// The browser's own close: an event went missing, so it reconnects at once to catch up.
export const CLOSE_RESYNC = 4000;
export const CLOSE_UNSUPPORTED_DATA = 4003;
export const CLOSE_BOARD_NOT_FOUND = 4004;
export const CLOSE_POLICY_VIOLATION = 4008;
export const CLOSE_MESSAGE_TOO_BIG = 4009;
// The host removed this participant: every reconnect would be closed the same way.
export const CLOSE_REMOVED = 4010;
export const CLOSE_TOO_SLOW = 4011;
// The board's host key was reset: connect again at once (the old key now makes a student).
export const CLOSE_HOST_KEY_CHANGED = 4012;
// The board cannot be opened just now (database or channel layer away). The standard code
// is 1013, but Daphne lets an application close only with 1000 or 3000-4999, so the server
// sends its mirror 4013; the standard one, from a proxy say, means the same.
export const CLOSE_TRY_AGAIN_LATER = 4013;
// The host deleted the board: every connect is closed the same way until they undo it.
export const CLOSE_BOARD_DELETED = 4014;
// Too many wrong host keys from this address or for this board this minute: the page reconnects
// with backoff, and once the minute is over the key makes a student, as a wrong key always did.
export const CLOSE_WRONG_HOST_KEYS = 4015;
// This address holds as many board sockets as one server process takes from one address: the
// page reconnects with backoff (one of them may close meanwhile).
export const CLOSE_TOO_MANY_CONNECTIONS = 4016;
export const CLOSE_TRY_AGAIN_LATER_STANDARD = 1013;

// Ids of strokes, edits and participants: one pattern, in items.json.
const STROKE_ID_PATTERN = ID_PATTERN;
const PARTICIPANT_ID_PATTERN = STROKE_ID_PATTERN;

/** Every refusal's code and what it means, as in draw/protocol.py and docs/protocol.md. */
export const ERROR_CODES = Object.freeze({
  bad_json: 'the frame is not JSON',
  bad_message: "not a JSON object, or no string 'type'",
  unknown_type: "'type' is not a client message type",
  bad_field: 'a field is missing, of the wrong type, or not allowed in this message',
  out_of_range: 'a coordinate outside the board, or a width outside 1..max',
  too_many_points: 'more points in one message than max_points_per_message',
  too_many_strokes: 'more strokes open at once than max_open_strokes, or too many in one erase',
  too_big: 'the frame is larger than max_message_bytes (the server closes with 4009)',
  rate_limited: "more points, strokes or edits a second than the connection's budget",
  duplicate_stroke: 'stroke.begin for a stroke of yours still open',
  unknown_stroke: 'points or end for a stroke this connection has not begun, or has ended',
  stroke_too_long: 'the stroke would exceed max_points_per_stroke points',
  empty_stroke: 'a stroke ended without a single point',
  board_full: 'the board is full (max_strokes_per_board strokes or max_points_per_board points)',
  nothing_to_undo: 'you have nothing to undo',
  nothing_to_redo: 'you have nothing to redo',
  nothing_to_erase: 'none of those strokes is on the board',
  nothing_to_clear: 'the board is already empty',
  store_unavailable: 'the board could not be stored just now; send it again later',
  forbidden: 'your role may not do this',
  locked: 'pens are down: the host has paused drawing',
  nothing_to_remove: 'that participant has no strokes on the board',
  nothing_to_move: 'none of those items is on the board, or they cannot move further that way',
  internal_error: 'the server could not handle this message (a fault of its own); the board goes on',
});

// Refusals about the moment, not the message: the stroke or edit stays in the outbox and
// goes again after a backoff, however many times it takes.
export const RETRYABLE_CODES = Object.freeze(new Set(['rate_limited', 'store_unavailable']));

// Refusals of a stroke's live copy (the server dropped it): the stroke goes again, whole.
export const RESEND_CODES = Object.freeze(
  new Set(['rate_limited', 'too_many_strokes', 'unknown_stroke', 'duplicate_stroke']),
);

/** The class settings a host may change with a `class` message; `hosted` comes with the host link. */
export const SETTABLE_CLASS_SETTINGS = Object.freeze([
  'pens_down',
  'anonymous',
  'names_visible',
  'student_laser',
  'badge',
  'lanes',
  'reveal',
  'spotlight',
  'spotlight_name',
  'background',
  'picture',
  'dark',
  'pages',
  'page',
]);
// The one class setting that is not a switch: a participant id, or null.
export const SPOTLIGHT = 'spotlight';
export const BACKGROUND = 'background';
// The digest of a picture uploaded to the board, drawn under the ink; or null.
export const PICTURE = 'picture';
// The lesson's pages, [{id, background, picture}], and the id of the one on show (pages.js).
export const PAGES = 'pages';
export const PAGE = 'page';
const PICTURE_DIGEST = /^[0-9a-f]{64}$/;

/** A board's class settings as the server starts them, until a welcome says otherwise. */
export const DEFAULT_CLASS = Object.freeze({
  hosted: false,
  pens_down: false,
  anonymous: false,
  names_visible: false,
  student_laser: false,
  badge: true,
  lanes: false,
  reveal: false,
  spotlight: null,
  spotlight_name: true,
  background: DEFAULT_BACKGROUND,
  picture: null,
  dark: false,
  // The lesson's pages and the current one (pages.js): a board of one page until told more.
  pages: Object.freeze([Object.freeze({ id: '1', background: DEFAULT_BACKGROUND, picture: null })]),
  page: '1',
});

/** The server's defaults, used until its welcome says otherwise. */
export const DEFAULT_LIMITS = Object.freeze({
  boardWidth: 1600,
  boardHeight: 900,
  maxMessageBytes: 16384,
  maxPointsPerMessage: 500,
  maxStrokeWidth: 64,
  maxEraseStrokes: 500,
  maxPointsPerSecond: 1000,
  maxPointsPerStroke: 5000,
  maxOpenStrokes: 10,
  maxStrokesPerBoard: 20000,
  maxPointsPerBoard: 2000000,
  maxActionsPerSecond: 10,
  maxActionBurst: 30,
  maxErrorsPerMinute: 30,
  maxLaserPerSecond: 30,
  maxPeople: 200,
  maxTextLength: 500,
  minTextSize: 8,
  maxTextSize: 200,
  maxMoveStrokes: 500,
  maxPages: 50,
});

// welcome.limits names (snake_case, as the server's Limits) for each limit here.
const ANNOUNCED_LIMITS = Object.freeze({
  maxMessageBytes: 'max_message_bytes',
  maxPointsPerMessage: 'max_points_per_message',
  maxStrokeWidth: 'max_stroke_width',
  maxEraseStrokes: 'max_erase_strokes',
  maxPointsPerSecond: 'max_points_per_second',
  maxPointsPerStroke: 'max_points_per_stroke',
  maxOpenStrokes: 'max_open_strokes',
  maxStrokesPerBoard: 'max_strokes_per_board',
  maxPointsPerBoard: 'max_points_per_board',
  maxActionsPerSecond: 'max_actions_per_second',
  maxActionBurst: 'max_action_burst',
  maxErrorsPerMinute: 'max_errors_per_minute',
  maxLaserPerSecond: 'max_laser_per_second',
  maxPeople: 'max_people',
  maxTextLength: 'max_text_length',
  minTextSize: 'min_text_size',
  maxTextSize: 'max_text_size',
  maxMoveStrokes: 'max_move_strokes',
  maxPages: 'max_pages',
});
export const ANNOUNCED_LIMIT_NAMES = Object.freeze(Object.values(ANNOUNCED_LIMITS));

export class ProtocolError extends Error {
  constructor(code, reason, ref = null) {
    super(reason);
    this.code = code;
    this.reason = reason;
    this.ref = ref;
  }
}

/**
 * Limits as the server announced them in its welcome message. A limit it left out keeps
 * the default, so a server that announces less still gets a working client.
 */
export function limitsFromWelcome(welcome) {
  const limits = { ...DEFAULT_LIMITS, boardWidth: welcome.size[0], boardHeight: welcome.size[1] };
  for (const [name, announced] of Object.entries(ANNOUNCED_LIMITS)) {
    const value = welcome.limits?.[announced];
    if (isInteger(value)) limits[name] = value;
  }
  return limits;
}

/**
 * The send interval a `welcome` or `pace` announces, in milliseconds (0: each message at
 * once); `fallback` when it announces none.
 */
export function sendIntervalOf(message, fallback) {
  const value = message.send_ms;
  return isInteger(value) && value >= 0 ? value : fallback;
}

/** Does this welcome speak the protocol this page was built for? */
export function speaksOurVersion(welcome) {
  return welcome.v === PROTOCOL_VERSION;
}

/** Begin an item (items.js): the item travels whole, its first points beside it. */
export function strokeBegin(stroke, item, points = []) {
  return { type: STROKE_BEGIN, stroke, item, points };
}

export function strokePoints(stroke, points) {
  return { type: STROKE_POINTS, stroke, points };
}

export function strokeEnd(stroke, points = []) {
  return { type: STROKE_END, stroke, points };
}

/** Change some class settings (host only); the others stay. */
export function classSet(changes) {
  return { type: CLASS, set: { ...changes } };
}

/** Hide every visible stroke of one participant in one undoable edit (host only). */
export function removeInk(participant, id = newId()) {
  return { type: REMOVE_INK, id, participant };
}

/** Close every socket of one participant and refuse its token on this board (host only). */
export function remove(participant) {
  return { type: REMOVE, participant };
}

/** Where this laser pointer is, in board units, or null when released. */
export function laser(at) {
  return { type: LASER, at };
}

/** An undo, redo or clear; `id` makes a resent edit count once. */
export function edit(type, id = newId()) {
  return { type, id };
}

/** Erase whole strokes, each named by its [author, stroke id] pair. */
export function erase(strokes, id = newId()) {
  return { type: ERASE, id, strokes };
}

/** Move items, each named by its [author, stroke id] pair, by [dx, dy] board units. */
export function move(strokes, by, id = newId()) {
  return { type: MOVE, id, strokes, by };
}

/** A fresh stroke or edit id: 16 random characters from the allowed alphabet. */
export function newId() {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
}

export function encode(message) {
  return JSON.stringify(message);
}

/** Validate one client frame exactly as the server will; returns the message. */
export function parse(text, limits = DEFAULT_LIMITS) {
  if (new TextEncoder().encode(text).length > limits.maxMessageBytes) {
    throw new ProtocolError('too_big', `message larger than ${limits.maxMessageBytes} bytes`);
  }
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    throw new ProtocolError('bad_json', 'message is not valid JSON');
  }
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    throw new ProtocolError('bad_message', 'message must be a JSON object');
  }
  checkScalarText(message);
  return parseObject(message, limits);
}

/** Refuse a message any of whose strings, keys included, holds a lone surrogate (draw/strings.py). */
function checkScalarText(message) {
  const found = unscalarString(message, '');
  if (!found) return;
  const [path, code] = found;
  const ref = ['stroke', 'id'].map((name) => message[name]).find((value) => typeof value === 'string' && STROKE_ID_PATTERN.test(value));
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  throw new ProtocolError('bad_field', `'${path}' must be Unicode text: it holds a lone surrogate (U+${hex})`, ref ?? null);
}

// [path, code point] of the first string, key or value, holding a lone surrogate; null if none.
function unscalarString(value, path) {
  if (typeof value === 'string') {
    const code = loneSurrogateIn(value);
    return code === null ? null : [path || '(the message)', code];
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const item = value[index];
      if (item !== null && typeof item === 'object' || typeof item === 'string') {
        const found = unscalarString(item, `${path}[${index}]`);
        if (found) return found;
      }
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const code = loneSurrogateIn(key);
      if (code !== null) return [path ? `${path}.(a field's name)` : "(a field's name)", code];
      if (item !== null && typeof item === 'object' || typeof item === 'string') {
        const found = unscalarString(item, path ? `${path}.${key.slice(0, 40)}` : key.slice(0, 40));
        if (found) return found;
      }
    }
  }
  return null;
}

export function parseObject(message, limits = DEFAULT_LIMITS) {
  if (typeof message.type !== 'string') {
    throw new ProtocolError('bad_message', "message needs a string 'type'");
  }
  const parser = PARSERS[message.type];
  if (!parser) {
    throw new ProtocolError('unknown_type', `unknown message type '${message.type.slice(0, 40)}'`);
  }
  return parser(message, limits);
}

function parsePlainEdit(message) {
  allowFields(message, ['type', 'id', 'page']);
  const id = clientId(message, 'id');
  return withPage(edit(message.type, id), message, id);
}

const PARSERS = {
  [UNDO]: parsePlainEdit,
  [REDO]: parsePlainEdit,
  [CLEAR](message) {
    allowFields(message, ['type', 'id', 'lane', 'page']);
    const id = clientId(message, 'id');
    return withPage(withLane(edit(CLEAR, id), message, id), message, id);
  },
  [ERASE](message, limits) {
    allowFields(message, ['type', 'id', 'strokes', 'lane', 'page']);
    const id = clientId(message, 'id');
    const strokes = strokePairs(message, limits.maxEraseStrokes, 'erase', id);
    return withPage(withLane(erase(strokes, id), message, id), message, id);
  },
  [MOVE](message, limits) {
    allowFields(message, ['type', 'id', 'strokes', 'by', 'lane', 'page']);
    const id = clientId(message, 'id');
    const strokes = strokePairs(message, limits.maxMoveStrokes, 'move', id);
    const { by } = message;
    if (!Array.isArray(by) || by.length !== 2 || !by.every(isInteger)) {
      throw new ProtocolError('bad_field', "'by' must be [dx, dy] in whole board units", id);
    }
    if (Math.abs(by[0]) > limits.boardWidth || Math.abs(by[1]) > limits.boardHeight) {
      throw new ProtocolError('out_of_range', "'by' moves further than the board is wide or high", id);
    }
    return withPage(withLane(move(strokes, [by[0], by[1]], id), message, id), message, id);
  },
  [CLASS](message) {
    allowFields(message, ['type', 'set']);
    const changes = message.set;
    if (changes === null || typeof changes !== 'object' || Array.isArray(changes) || !Object.keys(changes).length) {
      throw new ProtocolError('bad_field', "'set' must be an object of class settings to change");
    }
    for (const [name, value] of Object.entries(changes)) {
      if (!SETTABLE_CLASS_SETTINGS.includes(name)) {
        throw new ProtocolError('bad_field', `'${name.slice(0, 40)}' is not a class setting a host may change`);
      }
      if (name === SPOTLIGHT) {
        if (value !== null && !isParticipantId(value)) {
          throw new ProtocolError('bad_field', "class setting 'spotlight' must be a participant id or null");
        }
      } else if (name === BACKGROUND) {
        if (!BACKGROUND_KINDS.includes(value)) {
          throw new ProtocolError('bad_field', `class setting 'background' must be one of ${BACKGROUND_KINDS.join(', ')}`);
        }
      } else if (name === PICTURE) {
        if (value !== null && !(typeof value === 'string' && PICTURE_DIGEST.test(value))) {
          throw new ProtocolError('bad_field', "class setting 'picture' must be the digest of an uploaded picture, or null");
        }
      } else if (name === PAGES) {
        checkPages(value);
      } else if (name === PAGE) {
        if (!isParticipantId(value)) {
          throw new ProtocolError('bad_field', "class setting 'page' must be the id of one of the board's pages");
        }
      } else if (typeof value !== 'boolean') {
        throw new ProtocolError('bad_field', `'${name}' must be true or false`);
      }
    }
    if (changes.pages && changes.page !== undefined && !changes.pages.some((page) => page.id === changes.page)) {
      throw new ProtocolError('bad_field', "class setting 'page' must be one of the 'pages' it comes with");
    }
    return classSet(changes);
  },
  [REMOVE_INK](message) {
    allowFields(message, ['type', 'id', 'participant', 'page']);
    const id = clientId(message, 'id');
    if (!isParticipantId(message.participant)) {
      throw new ProtocolError('bad_field', "'participant' must be a participant id", id);
    }
    return withPage(removeInk(message.participant, id), message, id);
  },
  [REMOVE](message) {
    allowFields(message, ['type', 'participant']);
    if (!isParticipantId(message.participant)) {
      throw new ProtocolError('bad_field', "'participant' must be a participant id");
    }
    return remove(message.participant);
  },
  [LASER](message, limits) {
    allowFields(message, ['type', 'at']);
    const { at } = message;
    if (at === null) return laser(null);
    if (!Array.isArray(at) || at.length !== 2 || !at.every(isInteger)) {
      throw new ProtocolError('bad_field', "'at' must be [x, y] in integers, or null");
    }
    asProtocolError(() => checkPositions(at, 2, limits), null);
    return laser([at[0], at[1]]);
  },
  [STROKE_BEGIN](message, limits) {
    allowFields(message, ['type', 'stroke', 'item', 'points']);
    const stroke = strokeId(message);
    const item = asProtocolError(() => parseItem(message.item, limits), stroke);
    const points = checkPoints(message.points ?? [], limits, stroke, true);
    asProtocolError(() => checkItemPoints(item.kind, points, limits), stroke);
    return strokeBegin(stroke, item, points);
  },
  [STROKE_POINTS](message, limits) {
    allowFields(message, ['type', 'stroke', 'points']);
    const stroke = strokeId(message);
    return strokePoints(stroke, checkPoints(message.points, limits, stroke, false));
  },
  [STROKE_END](message, limits) {
    allowFields(message, ['type', 'stroke', 'points']);
    const stroke = strokeId(message);
    return strokeEnd(stroke, checkPoints(message.points ?? [], limits, stroke, true));
  },
};

export const CLIENT_MESSAGE_TYPES = Object.freeze(Object.keys(PARSERS));

// An erase, move or clear may name the one student's page it reaches (frontend/lanes.js).
function withLane(parsed, message, id) {
  if (!Object.hasOwn(message, 'lane')) return parsed;
  if (!isParticipantId(message.lane)) throw new ProtocolError('bad_field', "'lane' must be a participant's id", id);
  return { ...parsed, lane: message.lane };
}

// Any edit may name the lesson's page it reaches (frontend/pages.js).
function withPage(parsed, message, id) {
  if (!Object.hasOwn(message, 'page')) return parsed;
  if (!isParticipantId(message.page)) throw new ProtocolError('bad_field', "'page' must be the id of one of the board's pages", id);
  return { ...parsed, page: message.page };
}

function allowFields(message, allowed) {
  const extra = Object.keys(message).filter((name) => !allowed.includes(name)).sort();
  if (extra.length) {
    throw new ProtocolError('bad_field', `unexpected field '${extra[0].slice(0, 40)}' in ${message.type}`);
  }
}

function strokeId(message) {
  return clientId(message, 'stroke');
}

function clientId(message, name) {
  if (typeof message[name] !== 'string' || !STROKE_ID_PATTERN.test(message[name])) {
    throw new ProtocolError('bad_field', `'${name}' must be 1-32 letters, digits, '-' or '_'`);
  }
  return message[name];
}

/** Is this an [author, stroke id] pair, as an erase and a committed hide or show name strokes? */
export function isStrokePair(pair) {
  return (
    Array.isArray(pair) &&
    pair.length === 2 &&
    isParticipantId(pair[0]) &&
    typeof pair[1] === 'string' &&
    STROKE_ID_PATTERN.test(pair[1])
  );
}

export function isParticipantId(value) {
  return typeof value === 'string' && PARTICIPANT_ID_PATTERN.test(value);
}

// JSON has one number type; an integer is a number with no fraction (booleans are not numbers).
function isInteger(value) {
  return typeof value === 'number' && Number.isInteger(value);
}

// A flat list of integers: a message's points, whose shape (numbers a point, the board's
// bounds) items.js checks once the stroke's kind is known.
function checkPoints(points, limits, stroke, allowEmpty) {
  if (!Array.isArray(points)) {
    throw new ProtocolError('bad_field', "'points' must be a list [x0, y0, x1, y1, ...]", stroke);
  }
  if (points.length === 0 && !allowEmpty) {
    throw new ProtocolError('bad_field', "'points' must hold at least one point", stroke);
  }
  if (points.length > MAX_STRIDE * limits.maxPointsPerMessage) {
    throw new ProtocolError('too_many_points', `at most ${limits.maxPointsPerMessage} points in one message`, stroke);
  }
  if (!points.every(isInteger)) {
    throw new ProtocolError('bad_field', 'point coordinates must be integers', stroke);
  }
  return points;
}

function strokePairs(message, most, kind, id) {
  const { strokes } = message;
  if (!Array.isArray(strokes) || strokes.length === 0) {
    throw new ProtocolError('bad_field', "'strokes' must be a non-empty list of [author, stroke] pairs", id);
  }
  if (strokes.length > most) throw new ProtocolError('too_many_strokes', `at most ${most} strokes in one ${kind}`, id);
  if (!strokes.every(isStrokePair)) {
    throw new ProtocolError('bad_field', "'strokes' must hold [author, stroke] pairs of ids", id);
  }
  return strokes.map(([author, stroke]) => [author, stroke]);
}

function asProtocolError(check, ref) {
  try {
    return check();
  } catch (error) {
    if (error instanceof ItemError) throw new ProtocolError(error.code, error.message, ref);
    throw error;
  }
}

// A class message's `pages`, as draw/pages.py parse_pages checks them (without the bound, the
// server's to tell).
function checkPages(pages) {
  if (!Array.isArray(pages) || pages.length < 1) {
    throw new ProtocolError('bad_field', "class setting 'pages' must be a list of pages");
  }
  for (const page of pages) {
    if (page === null || typeof page !== 'object' || Object.keys(page).some((name) => !['id', 'background', 'picture'].includes(name))) {
      throw new ProtocolError('bad_field', "a page is an object of 'id', 'background' and 'picture'");
    }
    if (!isParticipantId(page.id)) throw new ProtocolError('bad_field', "a page's 'id' must be an id (1-32 of A-Z a-z 0-9 - _)");
    if (page.background !== undefined && !BACKGROUND_KINDS.includes(page.background)) {
      throw new ProtocolError('bad_field', `a page's 'background' must be one of ${BACKGROUND_KINDS.join(', ')}`);
    }
    if (page.picture !== undefined && page.picture !== null && !PICTURE_DIGEST.test(String(page.picture))) {
      throw new ProtocolError('bad_field', "a page's 'picture' must be the digest of an uploaded picture, or null");
    }
  }
  if (new Set(pages.map((page) => page.id)).size !== pages.length) throw new ProtocolError('bad_field', 'two pages have the same id');
}
