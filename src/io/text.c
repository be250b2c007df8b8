/* Line reading, tokenizing and strict number parsing for the text formats,
 * plus the wrapping, type and mass-rule helpers they share (see text.h). */
#include "io/text.h"
#include "core/error.h"
#include "io/io.h"
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int vt_lines_open(vt_lines *r, const char *path)
{
  memset(r, 0, sizeof *r);
  r->path = path;
  r->fp = fopen(path, "rb");
  if (!r->fp) return vt_error(VT_EIO, "cannot open '%s': %s", path, strerror(errno));
  struct stat st;
  int have_st = fstat(fileno(r->fp), &st) == 0;
  r->size = (have_st && S_ISREG(st.st_mode)) ? (long long)st.st_size : -1;
  if (have_st && S_ISDIR(st.st_mode)) {
    fclose(r->fp);
    r->fp = NULL;
    return vt_error(VT_EIO, "cannot read '%s': is a directory", path);
  }
  return 0;
}

void vt_lines_close(vt_lines *r)
{
  if (r->fp) fclose(r->fp);
  free(r->buf);
  free(r->tok);
  free(r->copy);
  memset(r, 0, sizeof *r);
}

int vt_lines_next(vt_lines *r)
{
  if (r->pushed) {
    r->pushed = 0;
    r->line++;
    return 1;
  }
  errno = 0;
  ssize_t got = getline(&r->buf, &r->cap, r->fp);
  if (got < 0) {
    if (ferror(r->fp)) return vt_error(VT_EIO, "%s:%ld: read error: %s", r->path, r->line + 1, strerror(errno));
    return 0;
  }
  r->line++;
  /* A NUL inside a line would silently hide the rest: text files have none. */
  if ((ssize_t)strlen(r->buf) != got) return vt_lines_error(r, "binary data (a NUL byte) in a text file");
  while (got > 0 && (r->buf[got - 1] == '\n' || r->buf[got - 1] == '\r')) r->buf[--got] = '\0';
  r->len = got;
  return 1;
}

void vt_lines_unread(vt_lines *r)
{
  r->pushed = 1;
  r->line--;
}

static int blank_after_strip(const char *s, int strip)
{
  for (; *s; s++) {
    if (strip && *s == '#') return 1;
    if (!isspace((unsigned char)*s)) return 0;
  }
  return 1;
}

int vt_lines_next_content(vt_lines *r, int strip_comment)
{
  int rc;
  while ((rc = vt_lines_next(r)) == 1)
    if (!blank_after_strip(r->buf, strip_comment)) return 1;
  return rc;
}

/* The tokens point into a private copy so the line itself stays intact (a
 * line can be split, unread and read again). */
int vt_lines_split(vt_lines *r, int strip_comment)
{
  size_t len = strlen(r->buf);
  if (len + 1 > r->copycap) {
    char *nb = realloc(r->copy, len + 1);
    if (!nb) return vt_error(VT_ENOMEM, "out of memory");
    r->copy = nb;
    r->copycap = len + 1;
  }
  char *s = r->copy;
  memcpy(s, r->buf, len + 1);
  if (strip_comment) {
    char *h = strchr(s, '#');
    if (h) *h = '\0';
  }
  r->ntok = 0;
  for (;;) {
    while (*s && isspace((unsigned char)*s)) s++;
    if (!*s) break;
    if (r->ntok == r->tokcap) {
      int nc = r->tokcap ? 2 * r->tokcap : 16;
      char **nt = realloc(r->tok, (size_t)nc * sizeof *nt);
      if (!nt) return vt_error(VT_ENOMEM, "out of memory");
      r->tok = nt;
      r->tokcap = nc;
    }
    r->tok[r->ntok++] = s;
    while (*s && !isspace((unsigned char)*s)) s++;
    if (*s) *s++ = '\0';
  }
  return 0;
}

int vt_lines_error(const vt_lines *r, const char *fmt, ...)
{
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return vt_error(VT_EFORMAT, "%s:%ld: %s", r->path, r->line, msg);
}

int vt_parse_double(const char *tok, double *out)
{
  char *end;
  errno = 0;
  double v = strtod(tok, &end);
  if (end == tok || *end != '\0') return -1;
  /* ERANGE on underflow still yields a usable (denormal or zero) value */
  if (errno == ERANGE && fabs(v) > 1.0) return -1;
  if (!isfinite(v)) return -1;
  *out = v;
  return 0;
}

int vt_parse_long(const char *tok, long *out)
{
  char *end;
  errno = 0;
  long v = strtol(tok, &end, 10);
  if (end == tok || *end != '\0' || errno == ERANGE) return -1;
  *out = v;
  return 0;
}

int vt_lines_positive(const vt_lines *r, const char *tok, const char *what, double scale, double *out)
{
  double v;
  int rc = vt_lines_double(r, tok, what, &v);
  if (rc) return rc;
  if (!(v > 0)) return vt_lines_error(r, "%s %s must be positive", what, tok);
  *out = scale * v;
  return 0;
}

int vt_lines_double(const vt_lines *r, const char *tok, const char *what, double *out)
{
  char *end;
  errno = 0;
  double v = strtod(tok, &end);
  if (end == tok || *end != '\0')
    return vt_lines_error(r, "%s '%.40s' is not a number", what, tok);
  if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1.0))
    return vt_lines_error(r, "%s '%.40s' is not finite", what, tok);
  *out = v;
  return 0;
}

int vt_lines_long(const vt_lines *r, const char *tok, const char *what, long lo, long hi, long *out)
{
  long v;
  if (vt_parse_long(tok, &v) != 0) return vt_lines_error(r, "%s '%.40s' is not an integer", what, tok);
  if (v < lo || v > hi) return vt_lines_error(r, "%s %ld is outside [%ld, %ld]", what, v, lo, hi);
  *out = v;
  return 0;
}

int vt_lines_coord(const vt_lines *r, const char *tok, double lo, double L, double *out)
{
  int rc = vt_lines_double(r, tok, "coordinate", out);
  if (rc) return rc;
  if (!(fabs(*out - lo) / L < (double)(1 << 29)))
    return vt_lines_error(r, "coordinate %.40s is too far outside the box", tok);
  return 0;
}

char *vt_trim(char *s)
{
  while (*s && isspace((unsigned char)*s)) s++;
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
  return s;
}

#define IMAGE_LIMIT (1 << 30)

int vt_io_wrap(vt_system *s, const double lo[3], const char *path)
{
  for (size_t i = 0; i < s->n; i++)
    for (int k = 0; k < 3; k++) {
      double L = s->box[k], x = s->x[3 * i + k] - lo[k];
      double m = (x >= 0.0 && x < L) ? 0.0 : floor(x / L);
      int *img = &s->image[3 * i + k];
      if (!(fabs(m) < IMAGE_LIMIT) || *img <= -IMAGE_LIMIT || *img >= IMAGE_LIMIT || fabs(m + *img) >= IMAGE_LIMIT)
        return vt_error(VT_EFORMAT, "%s: particle %zu is %g box lengths away from the box along %c",
                        path, i + 1, m + *img, "xyz"[k]);
      if (m != 0.0) {
        x -= m * L;
        /* round-off at the edges */
        if (x >= L) { x -= L; m += 1; }
        if (x < 0.0) { x += L; m -= 1; }
        if (x >= L) x = 0.0;   /* a tiny negative x: x + L rounded to L */
      }
      s->x[3 * i + k] = x;
      *img += (int)m;
    }
  return 0;
}

void vt_io_infer_mass_rule(vt_system *s)
{
  int equal = 1, volume = 1, species = 1;
  double tm[VT_MAX_SPECIES + 1];
  int seen[VT_MAX_SPECIES + 1] = {0};
  for (size_t i = 0; i < s->n; i++) {
    double m = s->mass[i], sg = s->sigma[i];
    if (m != 1.0) equal = 0;
    if (m != sg * sg * sg) volume = 0;
    int t = s->type[i];
    if (!seen[t]) { seen[t] = 1; tm[t] = m; }
    else if (tm[t] != m) species = 0;
  }
  if (equal) s->mass_rule = VT_MASS_EQUAL;
  else if (species) {
    s->mass_rule = VT_MASS_SPECIES;
    for (int t = 1; t <= VT_MAX_SPECIES; t++) if (seen[t]) s->type_mass[t] = tm[t];
  } else if (volume) s->mass_rule = VT_MASS_VOLUME;
  else s->mass_rule = VT_MASS_EXPLICIT;
}

int vt_io_set_ntypes(vt_system *s, int ntypes_declared, const char *path)
{
  int maxt = 1;
  for (size_t i = 0; i < s->n; i++) {
    if (s->type[i] < 1 || s->type[i] > VT_MAX_SPECIES)
      return vt_error(VT_EFORMAT, "%s: particle %zu has type %d; types run from 1 to %d", path, i + 1,
                      s->type[i], VT_MAX_SPECIES);
    if (s->type[i] > maxt) maxt = s->type[i];
  }
  if (ntypes_declared > 0 && maxt > ntypes_declared)
    return vt_error(VT_EFORMAT, "%s: type %d exceeds the %d atom types declared", path, maxt, ntypes_declared);
  s->ntypes = ntypes_declared > maxt ? ntypes_declared : maxt;
  return 0;
}

int vt_io_apply_diameters(vt_system *s, const vt_io_opts *opts, int have, const char *path)
{
  int nd = opts ? opts->ndiam : 0;
  if (nd < 0 || nd > VT_MAX_SPECIES) return vt_error(VT_EINVAL, "reading %s: %d per-type diameters given", path, nd);
  if (have) {
    if (nd > 0)
      return vt_error(VT_EINVAL, "reading %s: the file carries per-particle diameters; do not give diameters=", path);
    return 0;
  }
  if (nd == 0) {
    for (size_t i = 0; i < s->n; i++) s->sigma[i] = 1.0;
    return 0;
  }
  for (int t = 0; t < nd; t++)
    if (!(isfinite(opts->diameters[t]) && opts->diameters[t] > 0))
      return vt_error(VT_EINVAL, "reading %s: diameter of type %d is %g; it must be positive", path, t + 1,
                      opts->diameters[t]);
  if (s->ntypes > nd)
    return vt_error(VT_EINVAL, "reading %s: the file has %d atom types but diameters were given for %d", path,
                    s->ntypes, nd);
  for (size_t i = 0; i < s->n; i++) s->sigma[i] = opts->diameters[s->type[i] - 1];
  return 0;
}

void vt_io_wrapped(const vt_system *s, size_t i, double x[3], int image[3])
{
  for (int k = 0; k < 3; k++) {
    double L = s->box[k], u = s->x[3 * i + k];
    int im = s->image[3 * i + k];
    if (!(u >= 0.0 && u < L) && isfinite(u)) {
      double m = floor(u / L);
      u -= m * L;
      if (u >= L) { u -= L; m += 1; }
      if (u < 0.0) { u += L; m -= 1; }
      if (u >= L) u = 0.0;
      im += (int)m;
    }
    x[k] = u;
    image[k] = im;
  }
}

/* Element symbols by atomic number: the default species names. */
static const char *const elements[VT_MAX_SPECIES] = {
  "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S"
};

int vt_io_species_names(const struct vt_io_opts *opts, int ntypes, const char *path, const char *names[])
{
  for (int t = 0; t < VT_MAX_SPECIES; t++) {
    const char *nm = opts && opts->species[t] ? opts->species[t] : elements[t];
    size_t len = strlen(nm);
    if (len < 1 || len > 31 || strpbrk(nm, " \t\r\n\"'={}:"))
      return vt_error(VT_EINVAL, "writing %s: species name '%.40s' of type %d must have 1 to 31 characters "
                      "without blanks, quotes, ':', '=' or braces", path, nm, t + 1);
    names[t] = nm;
    for (int q = 0; q < t && q < ntypes && t < ntypes; q++)
      if (strcmp(names[q], nm) == 0)
        return vt_error(VT_EINVAL, "writing %s: types %d and %d have the same species name '%s'", path, q + 1, t + 1, nm);
  }
  if (opts)
    for (int t = ntypes; t < VT_MAX_SPECIES; t++)
      if (opts->species[t])
        return vt_error(VT_EINVAL, "writing %s: a species name for type %d, but the system has %d types", path, t + 1, ntypes);
  return 0;
}

int vt_io_check_columns(const vt_system *s, const struct vt_io_opts *opts, const char *const *taken, const char *path)
{
  if (!opts || opts->ncolumns == 0) return 0;
  if (opts->ncolumns < 0 || !opts->columns)
    return vt_error(VT_EINVAL, "writing %s: bad column list", path);
  for (int c = 0; c < opts->ncolumns; c++) {
    const vt_io_column *col = &opts->columns[c];
    const char *nm = col->name ? col->name : "";
    size_t len = strlen(nm);
    int good = len >= 1 && len <= 31 && !isdigit((unsigned char)nm[0]);
    for (size_t j = 0; j < len; j++)
      if (!isalnum((unsigned char)nm[j]) && nm[j] != '_') good = 0;
    if (!good)
      return vt_error(VT_EINVAL, "writing %s: column name '%.40s' must be 1 to 31 letters, digits or '_', "
                      "not starting with a digit", path, nm);
    if (col->k < 1 || col->k > 9)
      return vt_error(VT_EINVAL, "writing %s: column %s has %d values per particle (1 to 9)", path, nm, col->k);
    if (!col->data) return vt_error(VT_EINVAL, "writing %s: column %s has no data", path, nm);
    for (int q = 0; taken && taken[q]; q++)
      if (strcasecmp(taken[q], nm) == 0)
        return vt_error(VT_EINVAL, "writing %s: column name '%s' is one the writer already uses", path, nm);
    for (int q = 0; q < c; q++)
      if (strcasecmp(opts->columns[q].name, nm) == 0)
        return vt_error(VT_EINVAL, "writing %s: column '%s' given twice", path, nm);
    for (size_t i = 0; i < s->n * (size_t)col->k; i++)
      if (!isfinite(col->data[i]))
        return vt_error(VT_EINVAL, "writing %s: column %s, particle %zu: value %g is not finite", path, nm,
                        i / (size_t)col->k + 1, col->data[i]);
  }
  return 0;
}
