// The IRC front-end's own limits, advertised in ISUPPORT; the rooms' limits come from the config.

/** IRC lines are 512 bytes, but message tags may add 8191 more before a line counts as too long. */
export const IRC_MAX_LINE_BYTES = 8191 + 512;

/** Targets one PRIVMSG, NOTICE, TAGMSG, KICK or NAMES may name (TARGMAX). */
export const MAX_TARGETS = 4;
/** Parameter-taking channel modes in one MODE command (MODES). */
export const MAX_MODES = 4;
/** Bans per channel (MAXLIST). */
export const MAX_BANS = 100;
/** AWAYLEN, KICKLEN, and the longest QUIT reason passed on, in bytes. */
export const AWAY_LENGTH = 390;
export const KICK_LENGTH = 390;
export const QUIT_LENGTH = 300;
/** USERLEN: the username from USER is cut to this. */
export const USER_LENGTH = 16;
export const REALNAME_LENGTH = 100;
/** Users one WHO with a mask lists at most. */
export const MAX_WHO_REPLIES = 500;

/** Messages one CHATHISTORY may ask for (ISUPPORT CHATHISTORY); a larger limit is lowered to it. */
export const CHATHISTORY_MAX = 1000;

/**
 * IRCv3 draft/multiline: the most bytes of a multiline message's combined value (each LF joining two lines
 * counts one) and the most lines in one batch, told as the capability's value.
 */
export const MULTILINE_MAX_BYTES = 4096;
export const MULTILINE_MAX_LINES = 100;

/**
 * IRCv3 draft/metadata-2, told as the capability's value: keys one connection may subscribe to, keys one
 * user or channel may hold, and the longest value in bytes (a key and its value fit one 761 line).
 */
export const METADATA_MAX_SUBS = 50;
export const METADATA_MAX_KEYS = 20;
export const METADATA_MAX_VALUE_BYTES = 300;
