/* The `vitrum` program: a front end that runs Lua scripts with the vitrum
 * module preloaded, and an interactive REPL (readline editing, persistent
 * history, multi-line chunks, value printing, tab completion). It holds no
 * physics: everything goes through the binding layer (lua/lvitrum.h).
 * The structure follows lua.c: a protected main, a message handler that adds
 * a traceback, a Ctrl-C hook that stops the running chunk cleanly, and a
 * REPL that tries "return <line>" first and continues incomplete chunks.
 * When standard input is not a terminal the REPL reads plain lines (no
 * prompts, no echo), so a piped session behaves like a typed one. */
#include "config.h"
#include "lua/lvitrum.h"
#include <lualib.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>
#ifdef HAVE_MPI
#include "mpi_front.h"
#endif

#define PROMPT "vt> "
#define PROMPT2 "vt>> "
#define HISTORY_LINES 1000

static const char *progname = "vitrum";
static lua_State *globalL;

static void usage(FILE *out)
{
  fprintf(out,
          "usage: %s [options] [script [args]]\n"
          "Run a vitrum Lua script, or start the interactive REPL.\n\n"
          "  -e code        run the Lua code string (may be repeated)\n"
          "  -i             enter the REPL after running the script / code\n"
          "  -t n           use n OpenMP threads (same as vt.threads(n))\n"
          "  -v, --version  print the version and exit\n"
          "  -h, --help     print this help and exit\n"
          "  --             stop handling options\n"
          "  -              run standard input as a script\n\n"
          "  %s sweep TASK.lua --grid name=v1,v2 --store results.db [options]\n"
          "  %s sweep merge shard.db ... --store results.db\n"
          "                 parameter sweeps (`%s sweep --help`, doc/sweeps.md)\n\n"
          "The module is available as `vt` and through require \"vitrum\".\n"
          "Script arguments are in the global table `arg` (arg[0] is the script)\n"
          "and are passed to the script as `...`.\n"
          "Ctrl-C stops the running chunk at a clean point (loops in C finish their step).\n",
          progname, progname, progname, progname);
}

/* ---- errors and Ctrl-C ---- */

/* like lua.c, a hook raises an error at the next Lua event; C loops poll
 * vt_interrupted() and return VT_EINTR at a clean point */
static void lstop(lua_State *L, lua_Debug *ar)
{
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  luaL_error(L, "interrupted!");
}

static void laction(int sig)
{
  signal(sig, SIG_DFL);   /* a second Ctrl-C kills the program */
  vt_interrupt_set(1);
  lua_sethook(globalL, lstop, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

static int msghandler(lua_State *L)
{
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

/* call the function below `narg` arguments with the message handler and the
 * Ctrl-C handler in place */
static int docall(lua_State *L, int narg, int nres)
{
  int base = lua_gettop(L) - narg;
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  globalL = L;
  vt_interrupt_set(0);
  signal(SIGINT, laction);
  int status = lua_pcall(L, narg, nres, base);
  signal(SIGINT, SIG_DFL);
  lua_sethook(L, NULL, 0, 0);  /* a Ctrl-C that came too late to fire */
  vt_interrupt_set(0);
  lua_remove(L, base);
  return status;
}

static void message(const char *msg)
{
  fflush(stdout);
  fprintf(stderr, "%s: %s\n", progname, msg);
  fflush(stderr);
}

/* print the error on top of the stack (if any) and pop it */
static int report(lua_State *L, int status)
{
  if (status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    message(msg ? msg : "(error object is not a string)");
    lua_pop(L, 1);
  }
  return status;
}

static int dochunk(lua_State *L, int status)
{
  if (status == LUA_OK) status = docall(L, 0, 0);
  return report(L, status);
}

static int dostring(lua_State *L, const char *s, const char *name)
{
  return dochunk(L, luaL_loadbuffer(L, s, strlen(s), name));
}

static int set_threads(lua_State *L, const char *s)
{
  char *end;
  errno = 0;
  long n = strtol(s, &end, 10);
  if (end == s || *end != '\0' || errno || n < 1 || n > 1024) {
    fprintf(stderr, "%s: -t needs a thread count between 1 and 1024 (got '%s')\n", progname, s);
    return LUA_ERRRUN;
  }
  lua_getglobal(L, "vt");
  lua_getfield(L, -1, "threads");
  lua_remove(L, -2);
  lua_pushinteger(L, n);
  return report(L, docall(L, 1, 0));
}

static void createargtable(lua_State *L, char **argv, int argc, int script)
{
  lua_createtable(L, argc - script > 0 ? argc - script : 0, script + 1);
  for (int i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - script);
  }
  lua_setglobal(L, "arg");
}

static int handle_script(lua_State *L, char **argv, int argc, int script)
{
  const char *fname = argv[script];
  if (strcmp(fname, "-") == 0 && strcmp(argv[script - 1], "--") != 0) fname = NULL; /* stdin */
  int status = luaL_loadfile(L, fname);
  if (status == LUA_OK) {
    int n = 0;
    for (int i = script + 1; i < argc; i++, n++) lua_pushstring(L, argv[i]);
    status = docall(L, n, 0);
  }
  return report(L, status);
}

/* ---- printing values in the REPL ---- */

/* Values print the way a person wants to see them: scalars as they are,
 * strings quoted inside tables, userdata through __tostring (a vt.array is a
 * one-line summary), tables summarised: the first entries of the list part,
 * then the first other fields in key order, then the entry count. */
#define SHOW_LIST 8
#define SHOW_FIELDS 12
#define SHOW_DEPTH 2

static FILE *pout;   /* the results are formatted here, then printed at once */

static void print_quoted(const char *s, size_t len)
{
  putc('"', pout);
  for (size_t i = 0; i < len && i < 200; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') fprintf(pout, "\\%c", c);
    else if (c == '\n') fputs("\\n", pout);
    else if (c < 32 || c == 127) fprintf(pout, "\\%d", c);
    else putc(c, pout);
  }
  if (len > 200) fputs("...", pout);
  putc('"', pout);
}

static int is_identifier(const char *s)
{
  static const char *const keywords[] = {
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while", NULL};
  if (!(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return 0;
  for (const char *p = s; *p; p++)
    if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) return 0;
  for (int k = 0; keywords[k]; k++) if (strcmp(s, keywords[k]) == 0) return 0;
  return 1;
}

static int cmp_strings(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void print_value(lua_State *L, int idx, int depth);

static void print_table(lua_State *L, int idx, int depth)
{
  if (depth >= SHOW_DEPTH) { fputs("{...}", pout); return; }
  luaL_checkstack(L, 8, "printing a table");
  lua_Integer len = (lua_Integer)lua_rawlen(L, idx);
  int shown = 0, total = 0;
  fputs("{", pout);
  for (lua_Integer i = 1; i <= len && i <= SHOW_LIST; i++, shown++) {
    lua_rawgeti(L, idx, i);
    fputs(shown ? ", " : " ", pout);
    print_value(L, -1, depth + 1);
    lua_pop(L, 1);
  }
  /* the other keys: strings sorted (anchored in a key list), then the rest
   * in traversal order */
  lua_newtable(L);                                  /* keys */
  int keys = lua_gettop(L), nstr = 0, nother = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    total++;
    lua_pop(L, 1);
    if (lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1 && lua_tointeger(L, -1) <= len) continue;
    if (lua_type(L, -1) == LUA_TSTRING) {
      lua_pushvalue(L, -1);
      lua_rawseti(L, keys, ++nstr);
    } else if (nother < SHOW_FIELDS) {
      lua_pushvalue(L, -1);
      lua_rawseti(L, keys, -(++nother));
    }
  }
  const char **names = nstr ? lua_newuserdatauv(L, (size_t)nstr * sizeof *names, 0) : NULL;
  for (int k = 0; k < nstr; k++) {
    lua_rawgeti(L, keys, k + 1);
    names[k] = lua_tostring(L, -1);                 /* anchored in `keys` */
    lua_pop(L, 1);
  }
  if (nstr) qsort(names, (size_t)nstr, sizeof *names, cmp_strings);
  for (int k = 0; k < nstr && shown < SHOW_LIST + SHOW_FIELDS; k++, shown++) {
    fputs(shown ? ", " : " ", pout);
    if (is_identifier(names[k])) fprintf(pout, "%s=", names[k]);
    else { fputs("[", pout); print_quoted(names[k], strlen(names[k])); fputs("]=", pout); }
    lua_getfield(L, idx, names[k]);
    print_value(L, -1, depth + 1);
    lua_pop(L, 1);
  }
  for (int k = 1; k <= nother && shown < SHOW_LIST + SHOW_FIELDS; k++, shown++) {
    fputs(shown ? ", " : " ", pout);
    lua_rawgeti(L, keys, -k);                       /* key */
    fputs("[", pout);
    print_value(L, -1, SHOW_DEPTH);
    fputs("]=", pout);
    lua_rawget(L, idx);
    print_value(L, -1, depth + 1);
    lua_pop(L, 1);
  }
  lua_settop(L, keys - 1);
  if (total > shown) fprintf(pout, "%s... (%d entries)", shown ? ", " : " ", total);
  fputs(shown || total ? " }" : "}", pout);
}

static void print_value(lua_State *L, int idx, int depth)
{
  idx = lua_absindex(L, idx);
  switch (lua_type(L, idx)) {
  case LUA_TTABLE:
    if (luaL_getmetafield(L, idx, "__tostring") == LUA_TNIL) { print_table(L, idx, depth); return; }
    lua_pop(L, 1);
    break;
  case LUA_TSTRING:
    if (depth > 0) {
      size_t len;
      const char *s = lua_tolstring(L, idx, &len);
      print_quoted(s, len);
      return;
    }
    break;
  default:
    break;
  }
  size_t len;
  const char *s = luaL_tolstring(L, idx, &len);
  fwrite(s, 1, len, pout);
  lua_pop(L, 1);
}

/* the REPL prints results through this function, called protected with
 * pout open: a __tostring or __index that raises is reported like any other
 * error, and nothing of a half-printed line reaches the terminal */
static int l_print_results(lua_State *L)
{
  int n = lua_gettop(L);
  for (int i = 1; i <= n; i++) {
    if (i > 1) fputs("\t", pout);
    print_value(L, i, 0);
  }
  if (n > 0) fputs("\n", pout);
  return 0;
}

static int print_results(lua_State *L)
{
  char *text = NULL;
  size_t len = 0;
  pout = open_memstream(&text, &len);
  if (!pout) { lua_settop(L, 0); lua_pushliteral(L, "cannot print the result: out of memory"); return LUA_ERRMEM; }
  lua_pushcfunction(L, l_print_results);
  lua_insert(L, 1);
  int status = lua_pcall(L, lua_gettop(L) - 1, 0, 0);
  fclose(pout);
  pout = NULL;
  if (status == LUA_OK) {
    fwrite(text, 1, len, stdout);
    fflush(stdout);
  } else {
    lua_pushfstring(L, "error printing the result: %s", lua_tostring(L, -1));
    lua_remove(L, -2);
  }
  free(text);
  return status;
}

/* ---- reading lines ---- */

static volatile sig_atomic_t prompt_interrupted;
static char *rl_result;
static int rl_finished;

static void on_prompt_sigint(int sig)
{
  (void)sig;
  prompt_interrupted = 1;
}

static void on_line(char *line)
{
  rl_result = line;
  rl_finished = 1;
  rl_callback_handler_remove();
}

/* One line of input without its newline (malloc'd), or NULL at the end of
 * input. On a terminal: readline, through its callback interface so that
 * Ctrl-C at a prompt discards the line being edited (*interrupted = 1)
 * instead of killing the session. Otherwise: plain lines, no prompt. */
static char *read_line(int tty, const char *prompt, int *interrupted)
{
  *interrupted = 0;
  if (!tty) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t len = getline(&line, &cap, stdin);
    if (len < 0) { free(line); return NULL; }
    if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
    if (len > 0 && line[len - 1] == '\r') line[--len] = '\0';
    return line;
  }
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_prompt_sigint;   /* no SA_RESTART: select() returns EINTR */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old);
  prompt_interrupted = 0;
  rl_finished = 0;
  rl_result = NULL;
  fflush(stdout);
  rl_callback_handler_install(prompt, on_line);
  while (!rl_finished) {
    if (!prompt_interrupted) {
      fd_set fds;
      int fd = fileno(rl_instream ? rl_instream : stdin);
      FD_ZERO(&fds);
      FD_SET(fd, &fds);
      int r = select(fd + 1, &fds, NULL, NULL, NULL);
      if (r > 0) { rl_callback_read_char(); continue; }
      if (r < 0 && errno != EINTR) { rl_callback_handler_remove(); break; }
    }
    if (prompt_interrupted) {         /* as Python's readline module does */
      rl_free_line_state();
      rl_callback_sigcleanup();
      rl_cleanup_after_signal();
      rl_callback_handler_remove();
      fputs("^C\n", stdout);
      fflush(stdout);
      *interrupted = 1;
      break;
    }
  }
  sigaction(SIGINT, &old, NULL);
  return rl_result;
}

/* ---- history ---- */

static char *history_file;   /* NULL: no history file */

static void history_open(void)
{
  const char *env = getenv("VITRUM_HISTORY");
  if (env) {
    history_file = env[0] ? strdup(env) : NULL;   /* empty: no history file */
  } else {
    const char *home = getenv("HOME");
    if (!home || !home[0]) return;
    size_t len = strlen(home) + sizeof "/.vitrum_history";
    history_file = malloc(len);
    if (history_file) snprintf(history_file, len, "%s/.vitrum_history", home);
  }
  /* multi-line chunks stay one entry: each entry is preceded by a
   * timestamp line ("#<seconds>") in the file */
  history_comment_char = '#';
  history_write_timestamps = 1;
  history_multiline_entries = 1;
  if (history_file) read_history(history_file);
}

/* every chunk is appended as soon as it is entered, so a session that ends
 * in os.exit() or a crash keeps its history */
static void history_save(const char *chunk)
{
  HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
  if (!chunk[0] || (last && strcmp(last->line, chunk) == 0)) return;
  add_history(chunk);
  if (!history_file) return;
  FILE *f = fopen(history_file, "a");   /* append_history needs the file to exist */
  if (f) {
    fclose(f);
    append_history(1, history_file);
  }
}

static void history_close(void)
{
  if (history_file) history_truncate_file(history_file, HISTORY_LINES);
  free(history_file);
  history_file = NULL;
}

/* ---- tab completion ---- */

/* The word before the cursor is split at its last '.' or ':' into an
 * expression and a prefix; the candidates are the string keys of the
 * expression's value (a table) and of its class's methods (userdata made
 * with vtl_newclass keep them in mt.methods or mt.__index). Only plain names
 * and field paths are evaluated (protected; __index metamethods may run),
 * never a call expression, so Tab has no side effects of its own. With
 * ':' only functions are offered. Inside a string literal, file names. */
static char **candidates;
static size_t ncand, icand;

static void add_cand(const char *s)
{
  char **c = realloc(candidates, (ncand + 1) * sizeof *candidates);
  if (!c) return;
  candidates = c;
  if ((candidates[ncand] = strdup(s)) != NULL) ncand++;
}

static void collect(lua_State *L, int tidx, const char *base, char sep, const char *prefix)
{
  tidx = lua_absindex(L, tidx);
  size_t plen = strlen(prefix);
  lua_pushnil(L);
  while (lua_next(L, tidx)) {
    if (lua_type(L, -2) == LUA_TSTRING) {
      const char *k = lua_tostring(L, -2);
      int isfn = lua_type(L, -1) == LUA_TFUNCTION;
      if (strncmp(k, prefix, plen) == 0 && (k[0] != '_' || prefix[0] == '_') && (sep != ':' || isfn)) {
        char buf[512];
        snprintf(buf, sizeof buf, "%s%s%s%s", base, sep ? (sep == ':' ? ":" : ".") : "", k,
                 sep == ':' ? "(" : "");
        add_cand(buf);
      }
    }
    lua_pop(L, 1);
  }
}

static void complete_lua(lua_State *L, const char *text)
{
  static const char *const keywords[] = {
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while", NULL};
  int top = lua_gettop(L);
  const char *dot = strrchr(text, '.'), *colon = strrchr(text, ':');
  const char *cut = (colon && (!dot || colon > dot)) ? colon : dot;
  if (!cut) {
    for (int k = 0; keywords[k]; k++)
      if (strncmp(keywords[k], text, strlen(text)) == 0) add_cand(keywords[k]);
    lua_pushglobaltable(L);
    collect(L, -1, "", '\0', text);
  } else {
    char expr[256], code[300];
    size_t len = (size_t)(cut - text);
    if (len == 0 || len >= sizeof expr) return;
    memcpy(expr, text, len);
    expr[len] = '\0';
    if (strpbrk(expr, "()[]{}\"'=:") != NULL) return;
    snprintf(code, sizeof code, "return %s", expr);
    if (luaL_loadstring(L, code) == LUA_OK && lua_pcall(L, 0, 1, 0) == LUA_OK) {
      int v = lua_gettop(L);
      if (lua_istable(L, v)) collect(L, v, expr, *cut, cut + 1);
      if (luaL_getmetafield(L, v, "methods") == LUA_TTABLE) collect(L, -1, expr, *cut, cut + 1);
      lua_settop(L, v);
      if (luaL_getmetafield(L, v, "__index") == LUA_TTABLE) collect(L, -1, expr, *cut, cut + 1);
    }
  }
  lua_settop(L, top);
}

static char *complete_gen(const char *text, int state)
{
  if (state == 0) {
    for (size_t i = 0; i < ncand; i++) free(candidates[i]);
    ncand = icand = 0;
    complete_lua(globalL, text);
  }
  return icand < ncand ? strdup(candidates[icand++]) : NULL;
}

static char **complete(const char *text, int start, int end)
{
  (void)end;
  int quotes = 0;   /* inside a string literal: complete file names */
  for (int i = 0; i < start; i++) {
    char c = rl_line_buffer[i];
    if (c == '\\') { i++; continue; }
    if (c == '"' || c == '\'') {
      if (!quotes) quotes = c;
      else if (quotes == c) quotes = 0;
    }
  }
  if (quotes) return NULL;                  /* readline's file name completion */
  rl_attempted_completion_over = 1;
  rl_completion_append_character = '\0';
  return rl_completion_matches(text, complete_gen);
}

/* ---- the REPL ---- */

#define CHUNK_DISCARDED (-2)
#define CHUNK_EOF (-1)

/* an incomplete chunk: its syntax error is at <eof> */
static int incomplete(lua_State *L, int status)
{
  if (status == LUA_ERRSYNTAX) {
    size_t lmsg;
    const char *msg = lua_tolstring(L, -1, &lmsg);
    static const char eof[] = "<eof>";
    if (msg && lmsg >= sizeof eof - 1 && strcmp(msg + lmsg - (sizeof eof - 1), eof) == 0) return 1;
  }
  return 0;
}

/* Read a chunk: the first line, compiled as "return <line>;" if that works
 * (so expressions print), else as a statement, reading continuation lines
 * while it is incomplete. Leaves the compiled function or the error message
 * on the stack and returns the load status, CHUNK_EOF or CHUNK_DISCARDED. */
static int loadchunk(lua_State *L, int tty)
{
  int interrupted;
  lua_settop(L, 0);
  char *line = read_line(tty, PROMPT, &interrupted);
  if (interrupted) return CHUNK_DISCARDED;
  if (!line) return CHUNK_EOF;
  lua_pushstring(L, line);                                  /* chunk */
  free(line);
  const char *chunk = lua_tostring(L, 1);
  const char *ret = lua_pushfstring(L, "return %s;", chunk); /* chunk, retline */
  int status = luaL_loadbuffer(L, ret, strlen(ret), "=stdin");
  if (status == LUA_OK) {                                   /* chunk, retline, fn */
    lua_remove(L, 2);
  } else {
    lua_settop(L, 1);                                       /* chunk */
    for (;;) {
      size_t len;
      const char *src = lua_tolstring(L, 1, &len);
      status = luaL_loadbuffer(L, src, len, "=stdin");      /* chunk, fn|msg */
      if (!incomplete(L, status)) break;
      char *more = read_line(tty, PROMPT2, &interrupted);
      if (interrupted) { history_save(lua_tostring(L, 1)); return CHUNK_DISCARDED; }
      if (!more) break;                                     /* report the <eof> error */
      lua_pop(L, 1);                                        /* chunk */
      lua_pushliteral(L, "\n");
      lua_pushstring(L, more);
      free(more);
      lua_concat(L, 3);                                     /* chunk .. "\n" .. more */
    }
  }
  if (tty) history_save(lua_tostring(L, 1));
  lua_remove(L, 1);                                         /* fn|msg */
  return status;
}

/* returns the number of chunks that failed */
static int repl(lua_State *L)
{
  int tty = isatty(STDIN_FILENO), failed = 0, status;
  globalL = L;
  if (tty) {
    rl_readline_name = "vitrum";
    rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(,+-*/%^~#[]";
    rl_attempted_completion_function = complete;
    history_open();
    printf("vitrum %s (%s) - glass physics engine. vt is loaded; Ctrl-D exits.\n",
           vt_version(), LUA_RELEASE);
  }
  while ((status = loadchunk(L, tty)) != CHUNK_EOF) {
    if (status == CHUNK_DISCARDED) continue;
    if (status == LUA_OK) status = docall(L, 0, LUA_MULTRET);
    if (status == LUA_OK && lua_gettop(L) > 0) status = print_results(L);
    if (status != LUA_OK) { failed++; report(L, status); }
  }
  lua_settop(L, 0);
  if (tty) {
    fputs("\n", stdout);
    history_close();
  }
  fflush(stdout);
  return failed;
}

/* ---- the sweep subcommand ---- */

/* `vitrum sweep ...`: the arguments after "sweep" go to
 * require("vitrum.sweep").main (lua/vitrum/sweep.lua), which returns the
 * exit status. */
static int handle_sweep(lua_State *L, char **argv, int argc)
{
  createargtable(L, argv, argc, 1);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "vitrum.sweep");
  int status = docall(L, 1, 1);
  if (status != LUA_OK) return report(L, status) == LUA_OK ? 0 : 1;
  lua_getfield(L, -1, "main");
  lua_remove(L, -2);
  lua_createtable(L, argc > 2 ? argc - 2 : 0, 0);
  for (int i = 2; i < argc; i++) { lua_pushstring(L, argv[i]); lua_rawseti(L, -2, i - 1); }
  status = docall(L, 1, 1);
  if (status != LUA_OK) { report(L, status); return 1; }
  int code = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : 0;
  lua_pop(L, 1);
  return code;
}

/* ---- main ---- */

static int pmain(lua_State *L)
{
  int argc = (int)lua_tointeger(L, 1);
  char **argv = lua_touserdata(L, 2);
  int interactive = 0, script = 0, ran = 0, failed = 0;
  luaL_checkversion(L);
  luaL_openlibs(L);
  luaL_requiref(L, "vitrum", vtl_open, 0);      /* package.loaded.vitrum = vt */
#ifdef HAVE_MPI
  vt_mpi_front_open(L);                         /* vt.mpi for sweeps under mpirun */
#endif
  lua_getfield(L, -1, "help");
  lua_setglobal(L, "help");                      /* help(obj) in scripts and the REPL */
  lua_setglobal(L, "vt");
  if (argc > 1 && strcmp(argv[1], "sweep") == 0) {
    lua_pushinteger(L, handle_sweep(L, argv, argc));
    return 1;
  }

  /* first pass: check the options; those that print something exit here */
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-' || strcmp(a, "-") == 0) { script = i; break; }
    if (strcmp(a, "--") == 0) { if (i + 1 < argc) script = i + 1; break; }
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) { usage(stdout); lua_pushinteger(L, 0); return 1; }
    if (strcmp(a, "-v") == 0 || strcmp(a, "--version") == 0) {
      printf("vitrum %s (%s)\n", vt_version(), LUA_RELEASE);
      lua_pushinteger(L, 0);
      return 1;
    }
    if (strcmp(a, "-i") == 0) { interactive = 1; continue; }
    if (strcmp(a, "-e") == 0 || strcmp(a, "-t") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "%s: '%s' needs an argument\n", progname, a);
        usage(stderr);
        lua_pushinteger(L, 1);
        return 1;
      }
      i++;
      continue;
    }
    fprintf(stderr, "%s: unrecognized option '%s'\n", progname, a);
    usage(stderr);
    lua_pushinteger(L, 1);
    return 1;
  }
  createargtable(L, argv, argc, script ? script : argc);

  /* second pass: -t and -e in order, then the script; with -i an error
   * still leads to the REPL (to inspect what the script left behind) */
  int end = script ? script : argc;
  for (int i = 1; i < end && !failed; i++) {
    if (strcmp(argv[i], "-t") == 0) {
      failed = set_threads(L, argv[++i]) != LUA_OK;
    } else if (strcmp(argv[i], "-e") == 0) {
      ran = 1;
      failed = dostring(L, argv[++i], "=(command line)") != LUA_OK;
    }
  }
  if (script && !failed) {
    ran = 1;
    failed = handle_script(L, argv, argc, script) != LUA_OK;
  }
  if (interactive || !ran) {
    if (failed && !interactive) { lua_pushinteger(L, 1); return 1; }
    int repl_failed = repl(L);
    if (!isatty(STDIN_FILENO) && repl_failed) failed = 1;
  }
  lua_pushinteger(L, failed ? 1 : 0);
  return 1;
}

int main(int argc, char **argv)
{
  lua_State *L = luaL_newstate();
  if (!L) { fprintf(stderr, "%s: cannot create Lua state: not enough memory\n", progname); return EXIT_FAILURE; }
  globalL = L;
  lua_pushcfunction(L, pmain);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  int status = lua_pcall(L, 2, 1, 0);
  int result = status == LUA_OK ? (int)lua_tointeger(L, -1) : 1;
  report(L, status);
  lua_close(L);
#ifdef HAVE_MPI
  vt_mpi_front_close();
#endif
  return result == 0 ? EXIT_SUCCESS : result == 2 ? 2 : EXIT_FAILURE;   /* 2: a sweep with failed tasks */
}
