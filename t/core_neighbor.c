/* The neighbor list's two forms and the force passes built on them
 * (doc/performance.md): the private bin-sorted list the kernels read, the
 * public half list in the system's indices derived from it on demand, and
 * the forces-only pass of MD steps.
 *  - public list = the O(N^2) set of pairs within cutoff_ij + skin, each
 *    once with j > i, partners sorted, for an ordered and a shuffled system;
 *  - the order of the system's arrays does not change the physics: a
 *    shuffled copy gives the same energy and (permuted) forces to round-off;
 *  - a forces-only pass gives bit for bit the forces of an energy pass and
 *    leaves the energy to be computed on request;
 *  - MD that skips the energy on unobserved steps follows bit for bit the
 *    trajectory of MD observed every step, and the energies it reports are
 *    those of a fresh evaluation;
 *  - 1 and 2 threads agree to round-off, 2 threads reproduce bit for bit. */
#include "tap.h"
#include "core_util.h"
#include "vitrum.h"
#include "core/neighbor.h"
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* The public list against all pairs: same set, j > i, sorted partners. */
static int check_public(vt_system *s, const char *what)
{
  if (vt_neighbor_update(s, NULL)) return ok(0, "%s: update (%s)", what, vt_errmsg());
  const vt_neighbor *nl = s->nl;
  const double skin = nl->skin;
  size_t want = 0, bad = 0;
  for (size_t i = 0; i < s->n; i++) {
    size_t q = nl->start[i];
    for (size_t j = i + 1; j < s->n; j++) {
      double d[3] = {s->x[3 * i] - s->x[3 * j], s->x[3 * i + 1] - s->x[3 * j + 1], s->x[3 * i + 2] - s->x[3 * j + 2]};
      vt_minimum_image(s->box, d);
      const double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
      const double rl = vt_potential_cutoff(s->pot, s->sigma[i], s->sigma[j], s->type[i], s->type[j]) + skin;
      /* pairs within round-off of the radius may go either way */
      if (fabs(r2 - rl * rl) < 1e-9 * rl * rl) {
        if (q < nl->start[i + 1] && (size_t)nl->list[q] == j) q++;
        continue;
      }
      if (r2 < rl * rl) {
        want++;
        if (q < nl->start[i + 1] && (size_t)nl->list[q] == j) q++;
        else bad++;
      }
    }
    if (q != nl->start[i + 1]) bad++;   /* extra or unsorted entries */
  }
  return ok(bad == 0, "%s: public list = the %zu pairs within cutoff + skin, j > i, sorted (%zu wrong)", what, want, bad);
}

typedef struct {
  long calls;
  int stale;     /* observations that found the energy not current */
  int differ;    /* observations whose energy a fresh pass changed */
} obs_state;

/* The energy must be current at an observed step, and equal bit for bit to
 * a fresh pass over the same list. */
static int observe_energy(vt_md *md, long step, double T, void *arg)
{
  (void)step; (void)T;
  obs_state *o = arg;
  vt_system *s = md->s;
  o->stale += !(s->forces_valid && (s->valid & VT_ENERGY));
  const double e = s->energy;
  vt_system_invalidate(s);
  if (vt_system_compute(s, VT_ENERGY)) return -1;
  o->differ += s->energy != e;
  o->calls++;
  return 0;
}

int main(void)
{
  vt_potential *pot;
  if (vt_potential_create("lj_smooth", NULL, &pot)) { skip_all("no lj_smooth potential"); return 0; }
  const size_t n = 1372;

  /* an ordered system (lattice, slightly melted) and a shuffled copy */
  vt_system *s = wahns(n, VT_INIT_LATTICE, 3);
  ok(s != NULL, "WAHNs system of %zu particles", n);
  vt_system_set_potential(s, pot);
  for (size_t k = 0; k < 3 * n; k++) s->x[k] += 0.15 * sin(0.37 * k * k);
  vt_system_wrap(s);
  vt_system_invalidate(s);
  size_t *perm = malloc(n * sizeof *perm);
  for (size_t i = 0; i < n; i++) perm[i] = i;
  unsigned long r = 12345;
  for (size_t i = n - 1; i > 0; i--) {
    r = r * 6364136223846793005ul + 1442695040888963407ul;
    size_t j = (size_t)((r >> 33) % (i + 1)), t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  vt_system *u;
  vt_system_copy(s, &u);
  for (size_t i = 0; i < n; i++) {
    const size_t j = perm[i];
    memcpy(u->x + 3 * i, s->x + 3 * j, 3 * sizeof(double));
    memcpy(u->v + 3 * i, s->v + 3 * j, 3 * sizeof(double));
    memcpy(u->image + 3 * i, s->image + 3 * j, 3 * sizeof(int));
    u->sigma[i] = s->sigma[j];
    u->type[i] = s->type[j];
    u->mass[i] = s->mass[j];
  }
  vt_system_diameters_changed(u);
  vt_system_invalidate(u);

  check_public(s, "ordered");
  check_public(u, "shuffled");
  {
    /* continuous polydispersity: more diameter classes than the build
     * tabulates, so it tests sums of per-particle radii (additive mixing)
     * or, for non-additive mixing, asks the model for each cutoff in a
     * second stage */
    vt_system_spec sp = {.n = 1000, .density = 0.9, .diameter_law = VT_DIAM_POWER, .exponent = -3, .dmin = 0.7253,
                         .dmax = 1.6095, .mass_rule = VT_MASS_EQUAL, .init = VT_INIT_LATTICE, .seed = 5};
    vt_system *pd = NULL;
    if (vt_system_create(&sp, &pd) == 0) {
      for (size_t k = 0; k < 3 * pd->n; k++) pd->x[k] += 0.2 * sin(0.71 * k * k);
      vt_system_wrap(pd);
      vt_system_set_potential(pd, pot);
      check_public(pd, "polydisperse, additive (radii)");
      const vt_param nb[] = {{.key = "mixing", .kind = VT_PARAM_STRING, .str = "nbc"}};
      const vt_params in = {1, nb};
      vt_potential *pn = NULL;
      if (vt_potential_create("lj_smooth", &in, &pn) == 0) {
        vt_system_set_potential(pd, pn);
        check_public(pd, "polydisperse, non-additive (cutoff per pair)");
        vt_potential_unref(pn);
      } else
        ok(0, "lj_smooth with mixing nbc: %s", vt_errmsg());
      vt_system_free(pd);
    } else
      ok(0, "polydisperse system: %s", vt_errmsg());
  }

  /* the order of the arrays is not physics */
  ok(vt_system_compute(s, VT_ENERGY) == 0 && vt_system_compute(u, VT_ENERGY) == 0, "both compute");
  double *fu = malloc(3 * n * sizeof *fu);
  for (size_t i = 0; i < n; i++) memcpy(fu + 3 * perm[i], u->f + 3 * i, 3 * sizeof(double));
  const double fs = fmax(1.0, maxabs(s->f, 3 * n));
  ok(fabs(s->energy - u->energy) <= 1e-12 * fabs(s->energy), "shuffled order: same energy (%.17g, %.17g)", s->energy,
     u->energy);
  ok(maxdiff(s->f, fu, 3 * n) <= 1e-12 * fs, "shuffled order: same forces to 1e-12 of the largest (%.2g of %.3g)",
     maxdiff(s->f, fu, 3 * n), fs);

  /* forces only, then the energy on request */
  {
    double *f1 = malloc(3 * n * sizeof *f1), e1 = s->energy;
    memcpy(f1, s->f, 3 * n * sizeof *f1);
    vt_system_invalidate(s);
    ok(vt_system_compute(s, 0) == 0, "forces-only pass");
    ok(!(s->valid & VT_ENERGY) && s->forces_valid, "it leaves the energy invalid and the forces valid");
    ok(memcmp(s->f, f1, 3 * n * sizeof *f1) == 0, "forces-only pass: the forces of the energy pass, bit for bit");
    ok(vt_system_compute(s, VT_ENERGY) == 0 && s->energy == e1 && memcmp(s->f, f1, 3 * n * sizeof *f1) == 0,
       "a later energy request computes it (%.17g)", s->energy);
    ok(vt_system_compute(s, VT_VIRIAL) == 0 && (s->valid & VT_ENERGY) && s->energy == e1,
       "a virial request brings the energy along");
    free(f1);
  }

  /* MD: observed every step vs every 7 steps, same trajectory */
  {
    vt_system *a, *b;
    vt_system_copy(s, &a);
    vt_system_copy(s, &b);
    vt_system_thermalize(a, 0.5, 7);
    memcpy(b->v, a->v, 3 * n * sizeof(double));
    vt_system_invalidate(a);
    vt_system_invalidate(b);
    vt_md *ma, *mb;
    vt_md_alloc(a, vt_integrator_nose_hoover, NULL, 0.005, 0.5, &ma);
    vt_md_alloc(b, vt_integrator_nose_hoover, NULL, 0.005, 0.5, &mb);
    obs_state oa = {0, 0, 0}, ob = {0, 0, 0};
    vt_md_run_opts ra = {.steps = 60, .every = 1, .observe = observe_energy, .arg = &oa};
    vt_md_run_opts rb = {.steps = 60, .every = 7, .observe = observe_energy, .arg = &ob};
    ok(vt_md_run(ma, &ra) == 0 && vt_md_run(mb, &rb) == 0, "NVT runs of 60 steps (observed every step / every 7)");
    ok(memcmp(a->x, b->x, 3 * n * sizeof(double)) == 0 && memcmp(a->v, b->v, 3 * n * sizeof(double)) == 0,
       "same trajectory bit for bit whether or not the energy is computed on the way");
    ok(oa.calls == 60 && ob.calls == 8 && !oa.stale && !ob.stale && !oa.differ && !ob.differ,
       "at every observed step the energy is current and that of a fresh pass (%ld and %ld observations)", oa.calls,
       ob.calls);
    ok((a->valid & VT_ENERGY) && (b->valid & VT_ENERGY), "the energy is current at the end of a run");
    double Ha = 0, Hb = 1;
    int rca = vt_md_conserved(ma, &Ha), rcb = vt_md_conserved(mb, &Hb);
    ok(rca == 0 && rcb == 0 && Ha == Hb, "same conserved quantity (%.17g)", Ha);
    vt_md_free(ma);
    vt_md_free(mb);
    vt_system_free(a);
    vt_system_free(b);
  }

#ifdef _OPENMP
  /* threads: round-off agreement, bit-identical repeats */
  {
    int nt0 = omp_get_max_threads();
    double *f1 = malloc(3 * n * sizeof *f1), e1;
    omp_set_num_threads(1);
    vt_system_invalidate(u);
    vt_system_compute(u, VT_ENERGY);
    memcpy(f1, u->f, 3 * n * sizeof *f1);
    e1 = u->energy;
    omp_set_num_threads(2);
    vt_neighbor_invalidate(u);
    vt_system_invalidate(u);
    vt_system_compute(u, VT_ENERGY);
    const double fsu = fmax(1.0, maxabs(f1, 3 * n)), df = maxdiff(u->f, f1, 3 * n), de = fabs(u->energy - e1);
    ok(de <= 1e-12 * fabs(e1) && df <= 1e-12 * fsu, "1 and 2 threads agree to round-off (energy %.2g, forces %.2g of %.3g)",
       de, df, fsu);
    memcpy(f1, u->f, 3 * n * sizeof *f1);
    e1 = u->energy;
    vt_neighbor_invalidate(u);
    vt_system_invalidate(u);
    vt_system_compute(u, VT_ENERGY);
    ok(u->energy == e1 && memcmp(u->f, f1, 3 * n * sizeof *f1) == 0, "2 threads reproduce bit for bit");
    omp_set_num_threads(nt0);
    free(f1);
  }
#endif

  free(fu);
  free(perm);
  vt_system_free(u);
  vt_system_free(s);
  vt_potential_unref(pot);
  return done_testing();
}
