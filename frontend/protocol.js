// Sketchsite wire protocol v1, browser side. Mirrors draw/protocol.py: same message
// types, same limits, same checks, same error codes; docs/protocol.md documents both and
// tests/fixtures/protocol.json drives the tests of both.

export const PROTOCOL_VERSION = 1;

export const STROKE_BEGIN = 'stroke.begin';
export const STROKE_POINTS = 'stroke.points';
export const STROKE_END = 'stroke.end';
export const UNDO = 'undo';
export const REDO = 'redo';
export const ERASE = 'erase';
export const CLEAR = 'clear';

export const WELCOME = 'welcome';
export const SNAPSHOT = 'snapshot';
export const BATCH = 'batch';
export const EVENT = 'event';
export const ACK = 'ack';
export const STROKE_DROP = 'stroke.drop';
export const ERROR = 'error';

export const CLOSE_UNSUPPORTED_DATA = 4003;
export const CLOSE_BOARD_NOT_FOUND = 4004;
export const CLOSE_POLICY_VIOLATION = 4008;
export const CLOSE_MESSAGE_TOO_BIG = 4009;

const STROKE_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;

export const DEFAULT_LIMITS = Object.freeze({
  boardWidth: 1600,
  boardHeight: 900,
  maxMessageBytes: 16384,
  maxPointsPerMessage: 500,
  maxStrokeWidth: 64,
  maxEraseStrokes: 500,
});

export class ProtocolError extends Error {
  constructor(code, reason, ref = null) {
    super(reason);
    this.code = code;
    this.reason = reason;
    this.ref = ref;
  }
}

/** Limits as the server announced them in its welcome message. */
export function limitsFromWelcome(welcome) {
  return {
    boardWidth: welcome.size[0],
    boardHeight: welcome.size[1],
    maxMessageBytes: welcome.limits.max_message_bytes,
    maxPointsPerMessage: welcome.limits.max_points_per_message,
    maxStrokeWidth: welcome.limits.max_stroke_width,
    maxEraseStrokes: welcome.limits.max_erase_strokes,
    maxPointsPerSecond: welcome.limits.max_points_per_second,
    maxPointsPerStroke: welcome.limits.max_points_per_stroke,
    maxStrokesPerBoard: welcome.limits.max_strokes_per_board,
    maxOpenStrokes: welcome.limits.max_open_strokes,
  };
}

export function strokeBegin(stroke, color, width, points = []) {
  return { type: STROKE_BEGIN, stroke, color, width, points };
}

export function strokePoints(stroke, points) {
  return { type: STROKE_POINTS, stroke, points };
}

export function strokeEnd(stroke, points = []) {
  return { type: STROKE_END, stroke, points };
}

/** An undo, redo or clear; `id` makes a resent edit count once. */
export function edit(type, id = newId()) {
  return { type, id };
}

export function erase(strokes, id = newId()) {
  return { type: ERASE, id, strokes };
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
  return parseObject(message, limits);
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
  allowFields(message, ['type', 'id']);
  return edit(message.type, clientId(message, 'id'));
}

const PARSERS = {
  [UNDO]: parsePlainEdit,
  [REDO]: parsePlainEdit,
  [CLEAR]: parsePlainEdit,
  [ERASE](message, limits) {
    allowFields(message, ['type', 'id', 'strokes']);
    const id = clientId(message, 'id');
    const { strokes } = message;
    if (!Array.isArray(strokes) || strokes.length === 0) {
      throw new ProtocolError('bad_field', "'strokes' must be a non-empty list of stroke ids");
    }
    if (strokes.length > limits.maxEraseStrokes) {
      throw new ProtocolError('too_many_strokes', `at most ${limits.maxEraseStrokes} strokes in one erase`);
    }
    if (!strokes.every((sid) => typeof sid === 'string' && STROKE_ID_PATTERN.test(sid))) {
      throw new ProtocolError('bad_field', "'strokes' must hold stroke ids");
    }
    return erase([...strokes], id);
  },
  [STROKE_BEGIN](message, limits) {
    allowFields(message, ['type', 'stroke', 'color', 'width', 'points']);
    const stroke = strokeId(message);
    if (typeof message.color !== 'string' || !COLOR_PATTERN.test(message.color)) {
      throw new ProtocolError('bad_field', "'color' must be a colour like '#1a2b3c'", stroke);
    }
    if (!isInteger(message.width)) {
      throw new ProtocolError('bad_field', "'width' must be an integer", stroke);
    }
    if (message.width < 1 || message.width > limits.maxStrokeWidth) {
      throw new ProtocolError('out_of_range', `'width' must be between 1 and ${limits.maxStrokeWidth}`, stroke);
    }
    const points = checkPoints(message.points ?? [], limits, stroke, true);
    return strokeBegin(stroke, message.color.toLowerCase(), message.width, points);
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

// JSON has one number type; an integer is a number with no fraction (booleans are not numbers).
function isInteger(value) {
  return typeof value === 'number' && Number.isInteger(value);
}

function checkPoints(points, limits, stroke, allowEmpty) {
  if (!Array.isArray(points)) {
    throw new ProtocolError('bad_field', "'points' must be a list [x0, y0, x1, y1, ...]", stroke);
  }
  if (points.length % 2) {
    throw new ProtocolError('bad_field', "'points' must hold x, y pairs", stroke);
  }
  if (points.length === 0 && !allowEmpty) {
    throw new ProtocolError('bad_field', "'points' must hold at least one point", stroke);
  }
  if (points.length / 2 > limits.maxPointsPerMessage) {
    throw new ProtocolError('too_many_points', `at most ${limits.maxPointsPerMessage} points in one message`, stroke);
  }
  if (!points.every(isInteger)) {
    throw new ProtocolError('bad_field', 'point coordinates must be integers', stroke);
  }
  for (let i = 0; i < points.length; i += 2) {
    if (points[i] < 0 || points[i] > limits.boardWidth || points[i + 1] < 0 || points[i + 1] > limits.boardHeight) {
      throw new ProtocolError(
        'out_of_range',
        `points must lie within the board, 0..${limits.boardWidth} x 0..${limits.boardHeight}`,
        stroke,
      );
    }
  }
  return points;
}
