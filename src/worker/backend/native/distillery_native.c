/*
 * Optional native kernels for the wasm backend (DESIGN.md: "a native kernel path ... behind the same
 * backend ladder"). wasm's 128-bit SIMD caps the GEMMs of student training; here they run in
 * OpenBLAS (Debian's libopenblas, AVX-512 where the CPU has it), and the TextCNN pooling epilogue and
 * its sparse gradient run as compiled loops. Plain N-API (no npm package); built at install time by
 * scripts/build-native.mjs, and everything works without it (the JS paths in textcnn-conv-pool.ts).
 * Every array argument is a Float32Array/Int32Array the caller owns; nothing is kept between calls.
 */
#include <node_api.h>
#include <cblas.h>
#include <stdint.h>
#include <string.h>

#define CHECK(call)                                                                                \
  do {                                                                                             \
    if ((call) != napi_ok) {                                                                       \
      napi_throw_error(env, NULL, "distillery_native: bad argument in " #call);                    \
      return NULL;                                                                                 \
    }                                                                                              \
  } while (0)

static void *typed(napi_env env, napi_value v, size_t *len) {
  napi_typedarray_type type;
  void *data = NULL;
  size_t n = 0;
  if (napi_get_typedarray_info(env, v, &type, &n, &data, NULL, NULL) != napi_ok) return NULL;
  if (len) *len = n;
  return data;
}

static int32_t int_arg(napi_env env, napi_value v) {
  int32_t x = 0;
  napi_get_value_int32(env, v, &x);
  return x;
}

/* setThreads(n): OpenBLAS worker threads (the bench sets the same count as PyTorch's). */
extern void openblas_set_num_threads(int);
static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  openblas_set_num_threads(int_arg(env, argv[0]));
  return NULL;
}

/* sgemm(transA, transB, M, N, K, A, B, C, accumulate): row-major C = op(A)·op(B) (+ C). */
static napi_value sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 9;
  napi_value argv[9];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int ta = int_arg(env, argv[0]), tb = int_arg(env, argv[1]);
  int M = int_arg(env, argv[2]), N = int_arg(env, argv[3]), K = int_arg(env, argv[4]);
  size_t na, nb, nc;
  float *A = typed(env, argv[5], &na), *B = typed(env, argv[6], &nb), *C = typed(env, argv[7], &nc);
  bool acc = false;
  napi_get_value_bool(env, argv[8], &acc);
  if (!A || !B || !C || na < (size_t)M * K || nb < (size_t)K * N || nc < (size_t)M * N) {
    napi_throw_range_error(env, NULL, "distillery_native.sgemm: array shorter than its shape");
    return NULL;
  }
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, A,
              ta ? M : K, B, tb ? K : N, acc ? 1.0f : 0.0f, C, N);
  return NULL;
}

/*
 * poolForward(Y, B, T, F, widths, bias, out, arg): Y is [B·T, S] with S = Σk·F, the products of every
 * position with every tap (k, j) of every width. conv_k[b,t,f] = Σ_j Y[b·T+t+j, off_k + j·F + f] + bias;
 * out[b, w·F+f] = max_t relu(conv_k); arg = the argmax t, or −1 where the max is not positive (ReLU
 * passes no gradient there).
 */
static napi_value pool_forward(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  size_t nw;
  const float *Y = typed(env, argv[0], NULL);
  int B = int_arg(env, argv[1]), T = int_arg(env, argv[2]), F = int_arg(env, argv[3]);
  const int32_t *widths = typed(env, argv[4], &nw);
  const float *bias = typed(env, argv[5], NULL);
  float *out = typed(env, argv[6], NULL);
  int32_t *arg = typed(env, argv[7], NULL);
  int S = 0;
  for (size_t w = 0; w < nw; w++) S += widths[w] * F;
  int D = (int)nw * F;
  float acc[F];
  for (int b = 0; b < B; b++) {
    int off = 0;
    for (size_t w = 0; w < nw; w++) {
      int k = widths[w];
      float *o = out + (size_t)b * D + w * F;
      int32_t *a = arg + (size_t)b * D + w * F;
      for (int f = 0; f < F; f++) { o[f] = 0.0f; a[f] = -1; }
      for (int t = 0; t + k <= T; t++) {
        const float *y = Y + ((size_t)b * T + t) * S + off;
        for (int f = 0; f < F; f++) acc[f] = bias[w * F + f] + y[f];
        for (int j = 1; j < k; j++) {
          const float *yj = y + (size_t)j * S + j * F;
          for (int f = 0; f < F; f++) acc[f] += yj[f];
        }
        for (int f = 0; f < F; f++)
          if (acc[f] > o[f]) { o[f] = acc[f]; a[f] = t; }
      }
      off += k * F;
    }
  }
  return NULL;
}

/*
 * poolBackward(G, arg, X, WT, B, T, E, F, widths, dX, dWT, db): the gradient through max-over-time
 * reaches one position per (row, filter), so instead of dense GEMMs it is two axpys of length k·E
 * per (row, width, filter): dWT_k[f] += g·X[b, t..t+k) and dX[b, t..t+k) += g·WT_k[f].
 * WT_k is W_k as [F, k·E] (filter-major); dWT accumulates in the same layout; dX and dWT, db start
 * zeroed by the caller.
 */
static napi_value pool_backward(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  size_t nw;
  const float *G = typed(env, argv[0], NULL);
  const int32_t *arg = typed(env, argv[1], NULL);
  const float *X = typed(env, argv[2], NULL);
  const float *WT = typed(env, argv[3], NULL);
  int B = int_arg(env, argv[4]), T = int_arg(env, argv[5]), E = int_arg(env, argv[6]), F = int_arg(env, argv[7]);
  const int32_t *widths = typed(env, argv[8], &nw);
  float *dX = typed(env, argv[9], NULL);
  float *dWT = typed(env, argv[10], NULL);
  float *db = typed(env, argv[11], NULL);
  int D = (int)nw * F;
  size_t woff = 0;
  for (size_t w = 0; w < nw; w++) {
    int k = widths[w];
    size_t L = (size_t)k * E;
    for (int b = 0; b < B; b++) {
      for (int f = 0; f < F; f++) {
        int t = arg[(size_t)b * D + w * F + f];
        if (t < 0) continue;
        float g = G[(size_t)b * D + w * F + f];
        db[w * F + f] += g;
        const float *x = X + ((size_t)b * T + t) * E;
        float *dx = dX + ((size_t)b * T + t) * E;
        float *dw = dWT + woff + (size_t)f * L;
        const float *wt = WT + woff + (size_t)f * L;
        for (size_t i = 0; i < L; i++) dw[i] += g * x[i];
        for (size_t i = 0; i < L; i++) dx[i] += g * wt[i];
      }
    }
    woff += (size_t)F * L;
  }
  return NULL;
}

/*
 * packWeights(W, widths, E, F, wall, wt): W is every W_k ([k, E, F]) one after another. wall is [E, S]
 * with column block (k, j) = W_k[j]; wt is, per width, W_k as [F, k·E] (filter-major).
 */
static napi_value pack_weights(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  size_t nw;
  const float *W = typed(env, argv[0], NULL);
  const int32_t *widths = typed(env, argv[1], &nw);
  int E = int_arg(env, argv[2]), F = int_arg(env, argv[3]);
  float *wall = typed(env, argv[4], NULL), *wt = typed(env, argv[5], NULL);
  size_t S = 0;
  for (size_t w = 0; w < nw; w++) S += (size_t)widths[w] * F;
  size_t col = 0, woff = 0;
  for (size_t w = 0; w < nw; w++) {
    size_t k = widths[w], L = k * E;
    for (size_t i = 0; i < L; i++) { /* i = j·E + e */
      const float *src = W + woff + i * F;
      size_t j = i / E, e = i % E;
      memcpy(wall + e * S + col + j * F, src, F * sizeof(float));
      for (int f = 0; f < F; f++) wt[woff + f * L + i] = src[f];
    }
    col += k * F;
    woff += F * L;
  }
  return NULL;
}

/* unpackGrad(dWT, widths, E, F, dW): per width, [F, k·E] back to [k, E, F], widths one after another. */
static napi_value unpack_grad(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  size_t nw;
  const float *dWT = typed(env, argv[0], NULL);
  const int32_t *widths = typed(env, argv[1], &nw);
  int E = int_arg(env, argv[2]), F = int_arg(env, argv[3]);
  float *dW = typed(env, argv[4], NULL);
  size_t woff = 0;
  for (size_t w = 0; w < nw; w++) {
    size_t L = (size_t)widths[w] * E;
    for (size_t i = 0; i < L; i++)
      for (int f = 0; f < F; f++) dW[woff + i * F + f] = dWT[woff + f * L + i];
    woff += F * L;
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"sgemm", NULL, sgemm, NULL, NULL, NULL, napi_default, NULL},
      {"poolForward", NULL, pool_forward, NULL, NULL, NULL, napi_default, NULL},
      {"poolBackward", NULL, pool_backward, NULL, NULL, NULL, napi_default, NULL},
      {"packWeights", NULL, pack_weights, NULL, NULL, NULL, napi_default, NULL},
      {"unpackGrad", NULL, unpack_grad, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
