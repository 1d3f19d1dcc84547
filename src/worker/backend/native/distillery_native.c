/*
 * Optional native kernels for the wasm backend (DESIGN.md: "a native kernel path ... behind the same
 * backend ladder"). wasm's 128-bit SIMD caps the GEMMs of student training; here they run in
 * OpenBLAS (Debian's libopenblas, AVX-512 where the CPU has it), and the TextCNN pooling epilogue and
 * its sparse gradient, and a whole LSTM direction with its BPTT (one sgemm per step around the gate
 * math), run as compiled loops. Plain N-API (no npm package); built at install time by
 * scripts/build-native.mjs, and everything works without it (the JS paths in textcnn-conv-pool.ts).
 * Every array argument is a Float32Array/Int32Array the caller owns; nothing is kept between calls.
 */
#include <node_api.h>
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
      size_t j = i / E, e = i % E;
      memcpy(wall + e * S + col + j * F, W + woff + i * F, F * sizeof(float));
    }
    /* wt is W_k transposed: in blocks of 16 rows, so the writes fill whole cache lines. */
    for (size_t i0 = 0; i0 < L; i0 += 16) {
      size_t n = L - i0 < 16 ? L - i0 : 16;
      for (int f = 0; f < F; f++) {
        float *dst = wt + woff + (size_t)f * L + i0;
        const float *src = W + woff + i0 * F + f;
        for (size_t ii = 0; ii < n; ii++) dst[ii] = src[ii * F];
      }
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

/* Throws a RangeError naming the function and argument when a typed array is missing or short. */
static float *need(napi_env env, napi_value v, size_t n, const char *what) {
  size_t len = 0;
  float *p = typed(env, v, &len);
  if (!p || len < n) {
    char msg[160];
    snprintf(msg, sizeof msg, "distillery_native.%s: %zu elements, needs %zu", what, p ? len : 0, n);
    napi_throw_range_error(env, NULL, msg);
    return NULL;
  }
  return p;
}

/*
 * exp, sigmoid and tanh as branch-free arithmetic (Cephes' expf polynomial, relative error ~1e-7)
 * so that GCC vectorizes the gate loops: with glibc's scalar expf/tanhf a direction's forward and
 * backward took 2.5 times the CPU time (23 against 9 ms at the bench config).
 */
static inline float fast_exp(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  /* n = round(x / ln 2) by the 1.5·2²³ trick (floorf and fminf kept GCC from vectorizing) */
  float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  int32_t bits = ((int32_t)n + 127) << 23; /* 2^n */
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}
/*
 * The per-step products of an LSTM (B×H by H×4H, 2M multiply-adds at the bench config) run on one
 * OpenBLAS thread: the 48 steps are a chain of short calls, and handing each to a second thread cost
 * more than it saved (one direction forward and backward at load ~25: 57 against 10 CPU-ms).
 */
extern int openblas_get_num_threads(void);
static int single_thread_begin(void) {
  int n = openblas_get_num_threads();
  if (n != 1) openblas_set_num_threads(1);
  return n;
}
static void single_thread_end(int n) {
  if (n != 1) openblas_set_num_threads(n);
}

static inline float sigmoidf(float x) { return 1.0f / (1.0f + fast_exp(-x)); }
static inline float fast_tanh(float x) { return 2.0f / (1.0f + fast_exp(-2.0f * x)) - 1.0f; }

/* One row of one step: gate pre-activations z [4H] and the cell state before, cp [H], to the gates,
 * cell and hidden state. Separate functions with restrict arguments: so GCC vectorizes them. */
static void lstm_gates(int H, const float *restrict z, const float *restrict cp, float *restrict a,
                       float *restrict c, float *restrict h) {
  for (int j = 0; j < H; j++) {
    float i = sigmoidf(z[j]), f = sigmoidf(z[H + j]), g = fast_tanh(z[2 * H + j]), o = sigmoidf(z[3 * H + j]);
    float cn = f * cp[j] + i * g;
    a[j] = i;
    a[H + j] = f;
    a[2 * H + j] = g;
    a[3 * H + j] = o;
    c[j] = cn;
    h[j] = o * fast_tanh(cn);
  }
}

/* Its gradient: dy + dh reaching h, dc reaching c; writes dg [4H], the new dc and dh = 0 (the caller
 * adds dG·Uᵀ). */
static void lstm_gates_backward(int H, const float *restrict dy, const float *restrict a, const float *restrict c,
                                const float *restrict cp, float *restrict dg, float *restrict dh,
                                float *restrict dc) {
  for (int j = 0; j < H; j++) {
    float dht = dy[j] + dh[j];
    float i = a[j], f = a[H + j], g = a[2 * H + j], o = a[3 * H + j];
    float tc = fast_tanh(c[j]);
    float dcn = dc[j] + dht * o * (1.0f - tc * tc);
    dg[j] = dcn * g * i * (1.0f - i);
    dg[H + j] = dcn * cp[j] * f * (1.0f - f);
    dg[2 * H + j] = dcn * i * (1.0f - g * g);
    dg[3 * H + j] = dht * tc * o * (1.0f - o);
    dc[j] = dcn * f;
    dh[j] = 0.0f;
  }
}

/*
 * lstmForward(xProj, U, mask, T, B, H, reverse, hs, cs, acts): one LSTM direction over the whole
 * sequence (fused-lstm.ts has the semantics). xProj [T, B, 4H] (gates i, f, g, o), U [H, 4H],
 * mask [T·B] (0 = padded: the state is carried). Writes the state after each position, hs and cs
 * [T, B, H], and the activated gates, acts [T, B, 4H] (zero where padded), which the backward reads.
 * Per step one sgemm, z = xProj[t] + h·U, then the gate math in one pass.
 */
static napi_value lstm_forward(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int T = int_arg(env, argv[3]), B = int_arg(env, argv[4]), H = int_arg(env, argv[5]);
  bool reverse = false;
  napi_get_value_bool(env, argv[6], &reverse);
  if (T < 0 || B < 0 || H <= 0) {
    napi_throw_range_error(env, NULL, "distillery_native.lstmForward: bad T, B or H");
    return NULL;
  }
  const size_t G = 4 * (size_t)H, BH = (size_t)B * H, BG = (size_t)B * G;
  const float *xp = need(env, argv[0], T * BG, "lstmForward xProj");
  if (!xp) return NULL;
  const float *U = need(env, argv[1], H * G, "lstmForward U");
  if (!U) return NULL;
  const float *mask = need(env, argv[2], (size_t)T * B, "lstmForward mask");
  if (!mask) return NULL;
  float *hs = need(env, argv[7], T * BH, "lstmForward hs");
  if (!hs) return NULL;
  float *cs = need(env, argv[8], T * BH, "lstmForward cs");
  if (!cs) return NULL;
  float *acts = need(env, argv[9], T * BG, "lstmForward acts");
  if (!acts) return NULL;
  /* z: this step's pre-activations; zero: the state before the first position. */
  float *z = malloc((BG + BH) * sizeof(float));
  if (!z) {
    napi_throw_error(env, NULL, "distillery_native.lstmForward: out of memory");
    return NULL;
  }
  float *zero = z + BG;
  memset(zero, 0, BH * sizeof(float));
  const float *hPrev = zero, *cPrev = zero; /* the state before this position */
  int threads = single_thread_begin();
  for (int s = 0; s < T; s++) {
    int t = reverse ? T - 1 - s : s;
    memcpy(z, xp + t * BG, BG * sizeof(float));
    if (s > 0) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, G, H, 1.0f, hPrev, H, U, G, 1.0f, z, G);
    float *h = hs + t * BH, *c = cs + t * BH, *a = acts + t * BG;
    for (int b = 0; b < B; b++) {
      float *hb = h + (size_t)b * H, *cb = c + (size_t)b * H, *ab = a + (size_t)b * G;
      const float *cp = cPrev + (size_t)b * H;
      if (mask[(size_t)t * B + b] == 0.0f) { /* carry the state */
        memcpy(hb, hPrev + (size_t)b * H, H * sizeof(float));
        memcpy(cb, cp, H * sizeof(float));
        memset(ab, 0, G * sizeof(float));
        continue;
      }
      lstm_gates(H, z + (size_t)b * G, cp, ab, cb, hb);
    }
    hPrev = h;
    cPrev = c;
  }
  single_thread_end(threads);
  free(z);
  return NULL;
}

/*
 * lstmBackward(dHs, U, mask, hs, cs, acts, T, B, H, reverse, dG, dU): BPTT for lstmForward. dHs
 * [T, B, H] is the upstream gradient of the states. Writes dG [T, B, 4H], the gradient of the gate
 * pre-activations (= of xProj), and dU [H, 4H]. Per step one sgemm, dh += dG[t]·Uᵀ; dU is one sgemm
 * at the end, hPrevᵀ·dG, where hPrev (the state before each position) is hs shifted by one step.
 */
static napi_value lstm_backward(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int T = int_arg(env, argv[6]), B = int_arg(env, argv[7]), H = int_arg(env, argv[8]);
  bool reverse = false;
  napi_get_value_bool(env, argv[9], &reverse);
  if (T < 0 || B < 0 || H <= 0) {
    napi_throw_range_error(env, NULL, "distillery_native.lstmBackward: bad T, B or H");
    return NULL;
  }
  const size_t G = 4 * (size_t)H, BH = (size_t)B * H, BG = (size_t)B * G;
  const float *dHs = need(env, argv[0], T * BH, "lstmBackward dHs");
  if (!dHs) return NULL;
  const float *U = need(env, argv[1], H * G, "lstmBackward U");
  if (!U) return NULL;
  const float *mask = need(env, argv[2], (size_t)T * B, "lstmBackward mask");
  if (!mask) return NULL;
  const float *hs = need(env, argv[3], T * BH, "lstmBackward hs");
  if (!hs) return NULL;
  const float *cs = need(env, argv[4], T * BH, "lstmBackward cs");
  if (!cs) return NULL;
  const float *acts = need(env, argv[5], T * BG, "lstmBackward acts");
  if (!acts) return NULL;
  float *dG = need(env, argv[10], T * BG, "lstmBackward dG");
  if (!dG) return NULL;
  float *dU = need(env, argv[11], H * G, "lstmBackward dU");
  if (!dU) return NULL;
  /* dh, dc: the gradient reaching the state after position t from later positions. */
  float *dh = calloc(3 * BH + 1, sizeof(float));
  if (!dh) {
    napi_throw_error(env, NULL, "distillery_native.lstmBackward: out of memory");
    return NULL;
  }
  float *dc = dh + BH, *zero = dh + 2 * BH; /* zero: the cell state before the first position */
  int threads = single_thread_begin();
  for (int s = T - 1; s >= 0; s--) {
    int t = reverse ? T - 1 - s : s;
    const float *cPrev = s > 0 ? cs + (size_t)(reverse ? t + 1 : t - 1) * BH : zero;
    for (int b = 0; b < B; b++) {
      float *dhb = dh + (size_t)b * H, *dcb = dc + (size_t)b * H;
      const float *dy = dHs + t * BH + (size_t)b * H;
      float *dg = dG + t * BG + (size_t)b * G;
      if (mask[(size_t)t * B + b] == 0.0f) { /* carried: the gradient passes to the previous state */
        for (int j = 0; j < H; j++) dhb[j] += dy[j];
        memset(dg, 0, G * sizeof(float));
        continue;
      }
      lstm_gates_backward(H, dy, acts + t * BG + (size_t)b * G, cs + t * BH + (size_t)b * H, cPrev + (size_t)b * H,
                          dg, dhb, dcb);
    }
    /* Padded rows have dG = 0, so accumulating keeps their pass-through gradient. */
    if (s > 0)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, H, G, 1.0f, dG + t * BG, G, U, G, 1.0f, dh, H);
  }
  single_thread_end(threads);
  free(dh);
  /* hPrev at step s ≥ 1 is hs at the previous position: hs[t−1] forward, hs[t+1] reverse. */
  memset(dU, 0, H * G * sizeof(float));
  if (T > 1) {
    int K = (T - 1) * B;
    const float *hp = reverse ? hs + BH : hs;
    const float *dg = reverse ? dG : dG + BG;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, H, G, K, 1.0f, hp, H, dg, G, 0.0f, dU, G);
  }
  return NULL;
}

/*
 * adamStep(value, grad, m, v, out, k): tf.train.adam's update of one variable in one pass, with
 * k = Float32Array [beta1, 1 - beta1, beta2, 1 - beta2, 1 - accBeta1, 1 - accBeta2, epsilon, -lr].
 * Every operation is rounded to float as tfjs's separate kernels round it, so the result is bit for
 * bit tfjs's (no FMA contraction; sqrt and division are IEEE-exact in AVX-512 too). m and v are
 * updated in place; value is read, out written (they may not alias: tfjs variables may share data).
 */
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
static void adam_loop(size_t n, const float *restrict x, const float *restrict g, float *restrict m,
                      float *restrict v, float *restrict out, const float *k) {
  const float b1 = k[0], c1 = k[1], b2 = k[2], c2 = k[3], om1 = k[4], om2 = k[5], eps = k[6], nlr = k[7];
  for (size_t i = 0; i < n; i++) {
    float gi = g[i];
    float m1 = m[i] * b1;
    float m2 = gi * c1;
    m1 = m1 + m2;
    float v1 = v[i] * b2;
    float gg = gi * gi;
    float v2 = gg * c2;
    v1 = v1 + v2;
    m[i] = m1;
    v[i] = v1;
    float mh = m1 / om1;
    float vh = v1 / om2;
    float den = sqrtf(vh);
    den = den + eps;
    float u = mh / den;
    u = u * nlr;
    out[i] = u + x[i];
  }
}
#pragma GCC pop_options

static napi_value adam_step(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  size_t nx, ng, nm, nv, no, nk;
  float *x = typed(env, argv[0], &nx), *g = typed(env, argv[1], &ng), *m = typed(env, argv[2], &nm);
  float *v = typed(env, argv[3], &nv), *out = typed(env, argv[4], &no), *k = typed(env, argv[5], &nk);
  if (!x || !g || !m || !v || !out || !k || ng != nx || nm != nx || nv != nx || no != nx || nk != 8) {
    napi_throw_error(env, NULL, "adamStep: value, grad, m, v and out must be Float32Arrays of one length, k of 8");
    return NULL;
  }
  adam_loop(nx, x, g, m, v, out, k);
  return NULL;
}

/*
 * segmentSum(x, ids, inner, out): out[ids[n]] += x[n] row by row (rows of `inner` floats), out zeroed
 * first; ids outside [0, rows of out) are dropped (TF's UnsortedSegmentSum). The gradient of the
 * embedding lookup: 1,536 rows into 5,000 at the bench shapes.
 */
static napi_value segment_sum(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  size_t nx, ni, no;
  const float *x = typed(env, argv[0], &nx);
  const int32_t *ids = typed(env, argv[1], &ni);
  int inner = int_arg(env, argv[2]);
  float *out = typed(env, argv[3], &no);
  if (!x || !ids || !out || inner <= 0 || nx != ni * (size_t)inner || no % (size_t)inner != 0) {
    napi_throw_error(env, NULL, "segmentSum: x must be ids.length rows of inner floats, out whole rows");
    return NULL;
  }
  size_t segs = no / (size_t)inner;
  memset(out, 0, no * sizeof(float));
  for (size_t r = 0; r < ni; r++) {
    int32_t s = ids[r];
    if (s < 0 || (size_t)s >= segs) continue;
    float *restrict o = out + (size_t)s * inner;
    const float *restrict xr = x + r * inner;
    for (int i = 0; i < inner; i++) o[i] += xr[i];
  }
  return NULL;
}

/* coreName(): the kernel family OpenBLAS chose (DYNAMIC_ARCH), for reports. */
extern char *openblas_get_corename(void);
static napi_value core_name(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value s;
  const char *name = openblas_get_corename();
  CHECK(napi_create_string_utf8(env, name ? name : "unknown", NAPI_AUTO_LENGTH, &s));
  return s;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"sgemm", NULL, sgemm, NULL, NULL, NULL, napi_default, NULL},
      {"poolForward", NULL, pool_forward, NULL, NULL, NULL, napi_default, NULL},
      {"poolBackward", NULL, pool_backward, NULL, NULL, NULL, napi_default, NULL},
      {"packWeights", NULL, pack_weights, NULL, NULL, NULL, napi_default, NULL},
      {"unpackGrad", NULL, unpack_grad, NULL, NULL, NULL, napi_default, NULL},
      {"lstmForward", NULL, lstm_forward, NULL, NULL, NULL, napi_default, NULL},
      {"lstmBackward", NULL, lstm_backward, NULL, NULL, NULL, napi_default, NULL},
      {"adamStep", NULL, adam_step, NULL, NULL, NULL, napi_default, NULL},
      {"segmentSum", NULL, segment_sum, NULL, NULL, NULL, napi_default, NULL},
      {"coreName", NULL, core_name, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
