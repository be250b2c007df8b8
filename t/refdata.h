/* Test helper: load the shared LAMMPS reference data (t/data/reference/):
 * a `.atoms.dump` (sorted by id: id type x y z fx fy fz pe s1..s6) and the
 * `key = value` summary. Header-only, for the C tests. */
#ifndef VT_REFDATA_H
#define VT_REFDATA_H
#include "vitrum.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  size_t n;
  double box[3];
  int *type;
  double *x, *f, *pe, *sv;   /* 3n, 3n, n, 6n */
} ref_atoms;

__attribute__((unused)) static const char *ref_dir(void)
{
  static char buf[4096];
  const char *sh = getenv("VT_SHARED");
  snprintf(buf, sizeof buf, "%s/reference", sh ? sh : "../t/data");
  return buf;
}

/* returns 0 on success */
__attribute__((unused)) static int ref_load_atoms(const char *tag, ref_atoms *r)
{
  char path[4200], line[4096];
  snprintf(path, sizeof path, "%s/%s.atoms.dump", ref_dir(), tag);
  FILE *fp = fopen(path, "r");
  if (!fp) return -1;
  memset(r, 0, sizeof *r);
  int k = 0;
  while (fgets(line, sizeof line, fp)) {
    if (strncmp(line, "ITEM: NUMBER OF ATOMS", 21) == 0) {
      if (!fgets(line, sizeof line, fp)) break;
      r->n = strtoul(line, NULL, 10);
      r->type = calloc(r->n, sizeof *r->type);
      r->x = calloc(3 * r->n, sizeof *r->x);
      r->f = calloc(3 * r->n, sizeof *r->f);
      r->pe = calloc(r->n, sizeof *r->pe);
      r->sv = calloc(6 * r->n, sizeof *r->sv);
    } else if (strncmp(line, "ITEM: BOX BOUNDS", 16) == 0) {
      for (int d = 0; d < 3; d++) {
        double lo, hi;
        if (!fgets(line, sizeof line, fp) || sscanf(line, "%lf %lf", &lo, &hi) != 2) { fclose(fp); return -1; }
        r->box[d] = hi - lo;
      }
    } else if (strncmp(line, "ITEM: ATOMS", 11) == 0) {
      for (size_t i = 0; i < r->n; i++) {
        int id, t;
        double *x = r->x + 3 * i, *f = r->f + 3 * i, *s = r->sv + 6 * i;
        if (!fgets(line, sizeof line, fp) ||
            sscanf(line, "%d %d %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf %lf", &id, &t, x, x + 1, x + 2,
                   f, f + 1, f + 2, r->pe + i, s, s + 1, s + 2, s + 3, s + 4, s + 5) != 15 ||
            id != (int)i + 1) {
          fclose(fp);
          return -1;
        }
        r->type[i] = t;
      }
      k = 1;
    }
  }
  fclose(fp);
  return k ? 0 : -1;
}

__attribute__((unused)) static void ref_free_atoms(ref_atoms *r)
{
  free(r->type); free(r->x); free(r->f); free(r->pe); free(r->sv);
}

/* value of `key` in TAG.summary, NAN if absent */
__attribute__((unused)) static double ref_summary(const char *tag, const char *key)
{
  char path[4200], line[512], k[128];
  double v = NAN, tmp;
  snprintf(path, sizeof path, "%s/%s.summary", ref_dir(), tag);
  FILE *fp = fopen(path, "r");
  if (!fp) return NAN;
  while (fgets(line, sizeof line, fp))
    if (sscanf(line, "%127s = %lf", k, &tmp) == 2 && strcmp(k, key) == 0) v = tmp;
  fclose(fp);
  return v;
}

/* The WAHNs potential of wahn_pot.in: lj_smooth between 2.5 and 2.75 sigma_ij. */
__attribute__((unused)) static vt_potential *ref_wahns_potential(void)
{
  vt_param ps[2] = {{.key = "inner", .kind = VT_PARAM_NUMBER, .num = 2.5},
                    {.key = "outer", .kind = VT_PARAM_NUMBER, .num = 2.75}};
  vt_params in = {2, ps};
  vt_potential *p;
  return vt_potential_create("lj_smooth", &in, &p) ? NULL : p;
}

/* Give s the WAHNs potential; on failure free s and return NULL. */
__attribute__((unused)) static vt_system *ref_with_wahns(vt_system *s)
{
  vt_potential *p = ref_wahns_potential();
  if (!p) { vt_system_free(s); return NULL; }
  vt_system_set_potential(s, p);
  vt_potential_unref(p);
  return s;
}

/* A WAHNs system (diameters 1.0/1.2 by type, masses 1/1.728) at the
 * reference positions, with the lj_smooth potential of wahn_pot.in. */
__attribute__((unused)) static vt_system *ref_wahns_system(const ref_atoms *r)
{
  vt_system *s;
  if (vt_system_alloc(r->n, r->box, &s)) return NULL;
  double *sig = malloc(r->n * sizeof *sig);
  for (size_t i = 0; i < r->n; i++) sig[i] = r->type[i] == 1 ? 1.0 : 1.2;
  vt_system_set_types(s, r->type);
  s->mass_rule = VT_MASS_VOLUME;
  vt_system_set_diameters(s, sig);
  vt_system_set_positions(s, r->x);
  free(sig);
  return ref_with_wahns(s);
}

#endif
