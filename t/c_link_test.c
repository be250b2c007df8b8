/* A plain C program (no Lua) built against the *installed* libvitrum with the
 * flags of `pkg-config --cflags --libs vitrum` (make installcheck): the public
 * headers compile as <vitrum/vitrum.h>, the shared library resolves, and the
 * API works end to end: build a system, evaluate the lj_smooth energy and
 * forces, check Newton's third law and one force against a central finite
 * difference of the energy, and an error path that keeps its message. */
#include <vitrum/vitrum.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static int failures, count;

static void check(int cond, const char *what)
{
  count++;
  printf("%s %d - %s\n", cond ? "ok" : "not ok", count, what);
  if (!cond) failures++;
}

static double energy_at(vt_system *s, size_t i, int k, double xik)
{
  s->x[3 * i + k] = xik;
  vt_system_invalidate(s);
  return vt_system_compute(s, VT_ENERGY) == 0 ? s->energy : NAN;
}

int main(void)
{
#ifdef EXPECT_VERSION
  check(strcmp(vt_version(), EXPECT_VERSION) == 0, "vt_version() is the installed package's version");
#endif
  vt_system_spec sp;
  memset(&sp, 0, sizeof sp);
  sp.n = 500;
  sp.density = 1.0;
  sp.nspecies = 2;
  sp.species[0] = (vt_species){0.5, 1.0, 0.0};
  sp.species[1] = (vt_species){0.5, 1.1, 0.0};
  sp.mass_rule = VT_MASS_EQUAL;
  sp.init = VT_INIT_LATTICE;
  sp.seed = 1;
  vt_system *s = NULL;
  int rc = vt_system_create(&sp, &s);
  check(rc == 0 && s && s->n == 500, "vt_system_create: 500 particles");
  if (rc != 0) { printf("# %s\n", vt_errmsg()); return 1; }

  vt_params none = {0, NULL};
  vt_potential *p = NULL;
  rc = vt_potential_create("lj_smooth", &none, &p);
  check(rc == 0 && p, "vt_potential_create(\"lj_smooth\")");
  if (rc != 0) { printf("# %s\n", vt_errmsg()); return 1; }
  check(vt_system_set_potential(s, p) == 0, "vt_system_set_potential");
  vt_potential_unref(p);   /* the system holds its own reference */

  s->x[0] += 0.15;         /* off the lattice: a non-zero force on particle 1 */
  vt_system_invalidate(s);
  rc = vt_system_compute(s, VT_ENERGY | VT_VIRIAL);
  check(rc == 0 && isfinite(s->energy) && s->energy < 0, "energy is finite and negative (a dense LJ solid)");
  double fsum[3] = {0, 0, 0}, fmax = 0;
  for (size_t i = 0; i < s->n; i++)
    for (int k = 0; k < 3; k++) {
      fsum[k] += s->f[3 * i + k];
      if (fabs(s->f[3 * i + k]) > fmax) fmax = fabs(s->f[3 * i + k]);
    }
  check(fmax > 1e-3 && fabs(fsum[0]) + fabs(fsum[1]) + fabs(fsum[2]) < 1e-9 * fmax * (double)s->n,
        "forces sum to zero (Newton's third law)");

  double f0 = s->f[0], x0 = s->x[0], h = 1e-5;
  double up = energy_at(s, 0, 0, x0 + h), down = energy_at(s, 0, 0, x0 - h);
  energy_at(s, 0, 0, x0);
  double fd = -(up - down) / (2 * h);
  check(fabs(fd - f0) <= 1e-6 * fabs(f0) + 1e-8, "force = -dU/dx (central difference)");
  if (fabs(fd - f0) > 1e-6 * fabs(f0) + 1e-8) printf("#   force %.12g, finite difference %.12g\n", f0, fd);

  vt_potential *bad = NULL;
  rc = vt_potential_create("no_such_model", &none, &bad);
  check(rc < 0 && bad == NULL && strstr(vt_errmsg(), "no_such_model") != NULL,
        "an unknown model is an error with a message naming it");

  vt_system_free(s);
  printf("1..%d\n", count);
  return failures ? 1 : 0;
}
