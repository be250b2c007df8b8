/* The `vitrum` program: a front end that runs Lua scripts with the vitrum
 * module preloaded, and an interactive REPL (readline editing, persistent
 * history, multi-line chunks, value printing, tab completion). It holds no
 * physics: everything goes through the binding layer (lua/lvitrum.h).
 * The structure follows lua.c: a protected main, a message handler that adds
 * a traceback, and a Ctrl-C hook that stops the running chunk cleanly. */
#include "config.h"
#include "lua/lvitrum.h"
#include <lualib.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *progname = "vitrum";
static lua_State *globalL;

static void usage(FILE *out)
{
  fprintf(out,
          "usage: %s [options] [script [args]]\n"
          "Run a vitrum Lua script, or start the interactive REPL.\n\n"
          "  -e code    run the Lua code string\n"
          "  -i         enter the REPL after running the script / code\n"
          "  -t n       use n OpenMP threads (same as vt.threads(n))\n"
          "  -v, --version   print the version and exit\n"
          "  -h, --help      print this help and exit\n"
          "  --         stop handling options\n"
          "  -          run standard input as a script\n\n"
          "The module is available as `vt` and through require \"vitrum\".\n"
          "Script arguments are in the global table `arg` (arg[0] is the script).\n"
          "Ctrl-C stops the running chunk at a clean point (loops in C finish their step).\n",
          progname);
}

/* ---- Ctrl-C: like lua.c, a hook raises an error at the next Lua event;
 * C loops poll vt_interrupted() and return VT_EINTR. ---- */
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
  vt_interrupt_set(0);
  lua_remove(L, base);
  return status;
}

static int report(lua_State *L, int status)
{
  if (status != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "%s: %s\n", progname, msg ? msg : "(error object is not a string)");
    fflush(stderr);
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
    status = docall(L, n, LUA_MULTRET);
  }
  return report(L, status);
}

/* ---- the REPL ---- */

/* Print a value the way a person wants to see it: scalars as they are,
 * userdata through __tostring, tables summarised (first few entries). */
static void print_value(lua_State *L, int idx, int depth)
{
  idx = lua_absindex(L, idx);
  switch (lua_type(L, idx)) {
  case LUA_TTABLE: {
    if (luaL_getmetafield(L, idx, "__tostring") != LUA_TNIL) {
      lua_pop(L, 1);
      fputs(luaL_tolstring(L, idx, NULL), stdout);
      lua_pop(L, 1);
      return;
    }
    if (depth > 1) { fputs("{...}", stdout); return; }
    lua_Integer len = luaL_len(L, idx);
    int shown = 0, total = 0;
    fputs("{", stdout);
    for (lua_Integer i = 1; i <= len && shown < 8; i++, shown++) {
      lua_geti(L, idx, i);
      fputs(shown ? ", " : " ", stdout);
      print_value(L, -1, depth + 1);
      lua_pop(L, 1);
    }
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      total++;
      int arraykey = lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1 && lua_tointeger(L, -2) <= len;
      if (!arraykey && shown < 12) {
        fputs(shown ? ", " : " ", stdout);
        if (lua_type(L, -2) == LUA_TSTRING) printf("%s=", lua_tostring(L, -2));
        else { fputs("[", stdout); print_value(L, -2, depth + 1); fputs("]=", stdout); }
        print_value(L, -1, depth + 1);
        shown++;
      }
      lua_pop(L, 1);
    }
    if (total > shown) printf(", ... (%d entries)", total);
    fputs(shown ? " }" : "}", stdout);
    return;
  }
  case LUA_TSTRING:
    if (depth > 0) { printf("\"%s\"", lua_tostring(L, idx)); return; }
    /* fall through */
  default:
    fputs(luaL_tolstring(L, idx, NULL), stdout);
    lua_pop(L, 1);
  }
}

static void print_results(lua_State *L)
{
  int n = lua_gettop(L);
  for (int i = 1; i <= n; i++) {
    if (i > 1) fputs("\t", stdout);
    print_value(L, i, 0);
  }
  if (n > 0) fputs("\n", stdout);
  fflush(stdout);
}

static int incomplete(lua_State *L, int status)
{
  if (status == LUA_ERRSYNTAX) {
    size_t lmsg;
    const char *msg = lua_tolstring(L, -1, &lmsg);
    static const char eof[] = "<eof>";
    if (lmsg >= sizeof eof - 1 && strcmp(msg + lmsg - (sizeof eof - 1), eof) == 0) {
      lua_pop(L, 1);
      return 1;
    }
  }
  return 0;
}

static char *history_path(void)
{
  const char *env = getenv("VITRUM_HISTORY");
  if (env) return strdup(env);
  const char *home = getenv("HOME");
  if (!home) return NULL;
  size_t len = strlen(home) + 32;
  char *p = malloc(len);
  if (p) snprintf(p, len, "%s/.vitrum_history", home);
  return p;
}

/* Tab completion: the text before the cursor up to a word boundary, split at
 * the last '.' or ':' into an expression and a prefix; candidates are the
 * fields of the expression's value (and of its metatable's methods). */
static char **candidates;
static size_t ncand, icand;

static void add_cand(const char *s)
{
  candidates = realloc(candidates, (ncand + 2) * sizeof *candidates);
  candidates[ncand++] = strdup(s);
}

static void collect(lua_State *L, int tidx, const char *base, char sep, const char *prefix)
{
  tidx = lua_absindex(L, tidx);
  lua_pushnil(L);
  while (lua_next(L, tidx)) {
    if (lua_type(L, -2) == LUA_TSTRING) {
      const char *k = lua_tostring(L, -2);
      if (strncmp(k, prefix, strlen(prefix)) == 0 && k[0] != '_') {
        char buf[512];
        snprintf(buf, sizeof buf, "%s%s%s%c", base, base[0] ? (sep == ':' ? ":" : ".") : "", k,
                 lua_type(L, -1) == LUA_TFUNCTION && sep == ':' ? '(' : '\0');
        add_cand(buf);
      }
    }
    lua_pop(L, 1);
  }
}

static char *complete_gen(const char *text, int state)
{
  if (state == 0) {
    for (size_t i = 0; i < ncand; i++) free(candidates[i]);
    ncand = icand = 0;
    lua_State *L = globalL;
    int top = lua_gettop(L);
    const char *dot = strrchr(text, '.'), *colon = strrchr(text, ':');
    const char *cut = (colon && (!dot || colon > dot)) ? colon : dot;
    if (!cut) {
      lua_pushglobaltable(L);
      collect(L, -1, "", '.', text);
    } else {
      char expr[256];
      size_t len = (size_t)(cut - text);
      if (len < sizeof expr) {
        memcpy(expr, text, len);
        expr[len] = '\0';
        char code[300];
        snprintf(code, sizeof code, "return %s", expr);
        /* only plain names and field paths are evaluated: no calls on Tab */
        int safe = strpbrk(expr, "()[]\"'=") == NULL;
        if (safe && luaL_loadstring(L, code) == LUA_OK && lua_pcall(L, 0, 1, 0) == LUA_OK) {
          if (lua_istable(L, -1)) collect(L, -1, expr, *cut, cut + 1);
          if (luaL_getmetafield(L, -1, "methods") != LUA_TNIL) { collect(L, -1, expr, *cut, cut + 1); lua_pop(L, 1); }
          if (luaL_getmetafield(L, -1, "__index") == LUA_TTABLE) { collect(L, -1, expr, *cut, cut + 1); }
        }
      }
    }
    lua_settop(L, top);
  }
  return icand < ncand ? strdup(candidates[icand++]) : NULL;
}

static char **complete(const char *text, int start, int end)
{
  (void)start; (void)end;
  rl_completion_append_character = '\0';
  return rl_completion_matches(text, complete_gen);
}

static void repl(lua_State *L)
{
  char *hist = history_path();
  int tty = isatty(0);
  rl_readline_name = "vitrum";
  rl_basic_word_break_characters = " \t\n\"\\'`@$><=;|&{(,+-*/%^~#";
  rl_attempted_completion_function = complete;
  if (hist) read_history(hist);
  if (tty) printf("vitrum %s (Lua %s) - glass physics engine. vt is loaded; Ctrl-D exits.\n",
                  vt_version(), LUA_VERSION_MAJOR "." LUA_VERSION_MINOR);
  for (;;) {
    lua_settop(L, 0);
    char *line = readline(tty ? "vt> " : "");
    if (!line) break;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, line);
    luaL_pushresult(&b);                          /* chunk */
    free(line);
    const char *chunk = lua_tostring(L, 1);
    if (chunk[0] == '\0') continue;
    /* try as an expression first, then as a statement, then keep reading */
    const char *ret = lua_pushfstring(L, "return %s;", chunk);
    int status = luaL_loadbuffer(L, ret, strlen(ret), "=stdin");
    if (status != LUA_OK) {
      lua_pop(L, 2);                              /* chunk */
      for (;;) {
        status = luaL_loadbuffer(L, lua_tostring(L, 1), lua_rawlen(L, 1), "=stdin");
        if (!incomplete(L, status)) break;
        char *more = readline(tty ? "vt>> " : "");
        if (!more) break;
        lua_pushliteral(L, "\n");
        lua_pushstring(L, more);
        free(more);
        lua_concat(L, 3);                          /* chunk .. "\n" .. more */
        lua_insert(L, 1);
        lua_settop(L, 1);
      }
    } else {
      lua_remove(L, -2);                          /* chunk, fn */
    }
    add_history(lua_tostring(L, 1));
    lua_remove(L, 1);                             /* fn or error */
    if (status == LUA_OK) status = docall(L, 0, LUA_MULTRET);
    if (status == LUA_OK) print_results(L);
    else report(L, status);
  }
  if (tty) fputs("\n", stdout);
  if (hist) { write_history(hist); history_truncate_file(hist, 2000); free(hist); }
  lua_settop(L, 0);
}

/* ---- main ---- */

static int pmain(lua_State *L)
{
  int argc = (int)lua_tointeger(L, 1);
  char **argv = lua_touserdata(L, 2);
  int interactive = 0, script = 0, ran = 0;
  luaL_checkversion(L);
  luaL_openlibs(L);
  luaL_requiref(L, "vitrum", vtl_open, 0);      /* package.loaded.vitrum = vt */
  lua_setglobal(L, "vt");

  /* first pass: options that do not run code */
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] != '-' || strcmp(a, "-") == 0) { script = i; break; }
    if (strcmp(a, "--") == 0) { if (i + 1 < argc) script = i + 1; break; }
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) { usage(stdout); lua_pushboolean(L, 1); return 1; }
    if (strcmp(a, "-v") == 0 || strcmp(a, "--version") == 0) {
      printf("vitrum %s (%s)\n", vt_version(), LUA_RELEASE);
      lua_pushboolean(L, 1);
      return 1;
    }
    if (strcmp(a, "-i") == 0) { interactive = 1; continue; }
    if (strcmp(a, "-e") == 0 || strcmp(a, "-t") == 0) {
      if (i + 1 >= argc) { fprintf(stderr, "%s: '%s' needs an argument\n", progname, a); usage(stderr); lua_pushboolean(L, 0); return 1; }
      i++;
      continue;
    }
    fprintf(stderr, "%s: unrecognized option '%s'\n", progname, a);
    usage(stderr);
    lua_pushboolean(L, 0);
    return 1;
  }
  createargtable(L, argv, argc, script ? script : argc);
  /* second pass: run -t and -e in order */
  for (int i = 1; i < (script ? script : argc); i++) {
    if (strcmp(argv[i], "-t") == 0) {
      char code[64];
      snprintf(code, sizeof code, "vt.threads(%s)", argv[++i]);
      if (dostring(L, code, "=(command line)") != LUA_OK) { lua_pushboolean(L, 0); return 1; }
    } else if (strcmp(argv[i], "-e") == 0) {
      ran = 1;
      if (dostring(L, argv[++i], "=(command line)") != LUA_OK) { lua_pushboolean(L, 0); return 1; }
    }
  }
  if (script) {
    ran = 1;
    if (handle_script(L, argv, argc, script) != LUA_OK) { lua_pushboolean(L, 0); return 1; }
  }
  if (interactive || !ran) {
    globalL = L;
    if (!ran || isatty(0) || interactive) repl(L);
  }
  lua_pushboolean(L, 1);
  return 1;
}

int main(int argc, char **argv)
{
  if (argv[0] && argv[0][0]) progname = "vitrum";
  lua_State *L = luaL_newstate();
  if (!L) { fprintf(stderr, "%s: cannot create Lua state: not enough memory\n", progname); return EXIT_FAILURE; }
  globalL = L;
  lua_pushcfunction(L, pmain);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  int status = lua_pcall(L, 2, 1, 0);
  int result = lua_toboolean(L, -1);
  report(L, status);
  lua_close(L);
  return (result && status == LUA_OK) ? EXIT_SUCCESS : EXIT_FAILURE;
}
