/* vt_array: statistics against hand values, quantiles, histogram, select,
 * TSV writing, reference counting. */
#include "tap.h"
#include "vitrum.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
  vt_array *a = vt_array_alloc(5, 0);
  double v[5] = {3, 1, 4, 1, 5};
  memcpy(a->data, v, sizeof v);
  ok(a->vector && a->k == 1 && a->n == 5, "vector of 5");
  is_close(vt_array_sum(a), 14, 0, "sum");
  is_close(vt_array_mean(a), 2.8, 1e-15, "mean");
  is_close(vt_array_std(a), sqrt(((0.04 + 3.24 + 1.44 + 3.24 + 4.84)) / 4), 1e-15, "std (n-1)");
  is_close(vt_array_min(a), 1, 0, "min");
  is_close(vt_array_max(a), 5, 0, "max");
  double q;
  ok(vt_array_quantile(a, 0.5, &q) == 0 && q == 3, "median 3");
  ok(vt_array_quantile(a, 0.25, &q) == 0 && q == 1, "lower quartile 1");
  ok(vt_array_quantile(a, 1.5, &q) == VT_EINVAL, "quantile outside [0,1] refused");
  ok(memcmp(a->data, v, sizeof v) == 0, "quantile leaves the data unsorted");

  vt_array *e, *c;
  ok(vt_array_histogram(a, 4, 1, 5, &e, &c) == 0, "histogram");
  ok(e->n == 5 && c->n == 4, "edges and counts sizes");
  ok(c->data[0] == 2 && c->data[1] == 0 && c->data[2] == 1 && c->data[3] == 1, "counts 2 0 1 1 (5 is outside [1,5))");
  ok(vt_array_histogram(a, 4, 2, 1, &e, &c) == VT_EINVAL, "empty range refused");

  vt_array *m = vt_array_alloc(5, 0), *sel;
  m->data[1] = 1; m->data[4] = 1;
  ok(vt_array_select(a, m, &sel) == 0 && sel->n == 2 && sel->data[0] == 1 && sel->data[1] == 5, "select by mask");
  vt_array_unref(sel);

  vt_array *b = vt_array_alloc(3, 3);
  for (int i = 0; i < 9; i++) b->data[i] = i;
  ok(!b->vector && b->k == 3, "3 x 3 array");
  ok(vt_array_get(b, 2, 1) == 7, "row-major get");
  vt_array *bm = vt_array_alloc(3, 0), *bs;
  bm->data[2] = 1;
  ok(vt_array_select(b, bm, &bs) == 0 && bs->n == 1 && bs->k == 3 && bs->data[2] == 8, "select keeps whole rows");
  vt_array_unref(bs);
  vt_array_unref(bm);

  char path[] = "/tmp/vt_arrayXXXXXX";
  int fd = mkstemp(path);
  close(fd);
  ok(vt_array_write_tsv(b, path, "# test header\n") == 0, "write TSV");
  FILE *fp = fopen(path, "r");
  char line[256];
  ok(fgets(line, sizeof line, fp) && strcmp(line, "# test header\n") == 0, "header first");
  ok(fgets(line, sizeof line, fp) && strcmp(line, "0\t1\t2\n") == 0, "first row");
  fclose(fp);
  remove(path);
  ok(vt_array_write_tsv(b, "/nonexistent-dir/x.tsv", NULL) == VT_EIO && strstr(vt_errmsg(), "/nonexistent-dir/x.tsv"),
     "unwritable path reported: %s", vt_errmsg());

  vt_array *r = vt_array_ref(a);
  ok(r == a && a->refcount == 2, "reference counting");
  vt_array_unref(r);
  vt_array *cp = vt_array_copy(a);
  cp->data[0] = 99;
  ok(a->data[0] == 3, "copy is deep");
  vt_array_unref(cp);
  vt_array_unref(a); vt_array_unref(b); vt_array_unref(m); vt_array_unref(e); vt_array_unref(c);
  return done_testing();
}
