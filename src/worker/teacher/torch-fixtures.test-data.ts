/**
 * torch.save files for the checkpoint reader's tests, as base64, written by Python's own pickle with
 * stand-ins for the torch globals (no torch needed). The generator, verbatim:
 *
 * # Writes torch.save-format files with the exact bytes Python's pickle produces, using stand-ins for
 * # the torch globals (no torch needed): a zip archive (torch >= 1.6) and a legacy stream, plus a
 * # pickle that would run os.system. Run: python3 gen_torch_fixtures.py > fixtures.json
 * import base64, collections, io, json, os, pickle, struct, sys, types, zipfile
 * import numpy as np
 *
 * torch = types.ModuleType('torch'); utils = types.ModuleType('torch._utils')
 * torch._utils = utils; sys.modules['torch'] = torch; sys.modules['torch._utils'] = utils
 * def storage_type(name):
 *     cls = type(name, (), {}); cls.__module__ = 'torch'; cls.__qualname__ = name; setattr(torch, name, cls); return cls
 * FloatStorage, HalfStorage, BFloat16Storage, LongStorage = (storage_type(n) for n in ['FloatStorage', 'HalfStorage', 'BFloat16Storage', 'LongStorage'])
 * def _rebuild_tensor_v2(*a): pass
 * def _rebuild_parameter(*a): pass
 * for f in (_rebuild_tensor_v2, _rebuild_parameter): f.__module__ = 'torch._utils'; setattr(utils, f.__name__, f)
 *
 * class Storage:
 *     def __init__(self, key, cls, raw, numel): self.key, self.cls, self.raw, self.numel = key, cls, raw, numel
 * class Tensor:
 *     def __init__(self, storage, offset, size, stride, param=False): self.s, self.o, self.size, self.stride, self.param = storage, offset, size, stride, param
 *     def __reduce_ex__(self, proto):
 *         t = (_rebuild_tensor_v2, (self.s, self.o, self.size, self.stride, False, collections.OrderedDict()))
 *         return (_rebuild_parameter, (Tensor(self.s, self.o, self.size, self.stride), False, collections.OrderedDict())) if self.param else t
 *
 * def f32(a): a = np.asarray(a, dtype='<f4'); return a.tobytes(), a.size
 * def f16(a): a = np.asarray(a, dtype='<f2'); return a.tobytes(), a.size
 * def bf16(a):
 *     a = np.asarray(a, dtype='<f4').view('<u4'); r = ((a + 0x7fff + ((a >> 16) & 1)) >> 16).astype('<u2'); return r.tobytes(), r.size
 * def i64(a): a = np.asarray(a, dtype='<i8'); return a.tobytes(), a.size
 *
 * def small_state():
 *     s0 = Storage('0', FloatStorage, *f32(np.arange(6) * 0.5 - 1))   # a = [[-1,-.5,0],[.5,1,1.5]]
 *     s1 = Storage('1', HalfStorage, *f16([0.5, -2.0, 65504.0]))
 *     s2 = Storage('2', BFloat16Storage, *bf16([1.0, 3.140625, -0.0078125, 7.0]))
 *     s3 = Storage('3', LongStorage, *i64([0, 1, 2, 3]))
 *     sd = collections.OrderedDict()
 *     sd['a'] = Tensor(s0, 0, (2, 3), (3, 1))
 *     sd['b'] = Tensor(s1, 0, (3,), (1,))
 *     sd['c'] = Tensor(s0, 0, (3, 2), (1, 3))          # a transposed view of a's storage
 *     sd['d'] = Tensor(s2, 1, (2,), (2,))              # offset 1, stride 2 -> [3.140625, 7.0]
 *     sd['e'] = Tensor(s0, 1, (2, 2), (3, 1), True)    # a Parameter: s0[1], s0[2], s0[4], s0[5]
 *     sd['position_ids'] = Tensor(s3, 0, (1, 4), (4, 1))
 *     sd._metadata = collections.OrderedDict([('', {'version': 1})])
 *     return sd
 *
 * def tiny_bert_state():
 *     H, I, V, P, L = 4, 8, 12, 8, 1
 *     shapes = collections.OrderedDict()
 *     shapes['bert.embeddings.position_ids'] = (1, P)
 *     shapes['bert.embeddings.word_embeddings.weight'] = (V, H)
 *     shapes['bert.embeddings.position_embeddings.weight'] = (P, H)
 *     shapes['bert.embeddings.token_type_embeddings.weight'] = (2, H)
 *     shapes['bert.embeddings.LayerNorm.gamma'] = (H,)
 *     shapes['bert.embeddings.LayerNorm.beta'] = (H,)
 *     for i in range(L):
 *         p = f'bert.encoder.layer.{i}.'
 *         for m in ['query', 'key', 'value']:
 *             shapes[p + f'attention.self.{m}.weight'] = (H, H); shapes[p + f'attention.self.{m}.bias'] = (H,)
 *         shapes[p + 'attention.output.dense.weight'] = (H, H); shapes[p + 'attention.output.dense.bias'] = (H,)
 *         shapes[p + 'attention.output.LayerNorm.weight'] = (H,); shapes[p + 'attention.output.LayerNorm.bias'] = (H,)
 *         shapes[p + 'intermediate.dense.weight'] = (I, H); shapes[p + 'intermediate.dense.bias'] = (I,)
 *         shapes[p + 'output.dense.weight'] = (H, I); shapes[p + 'output.dense.bias'] = (H,)
 *         shapes[p + 'output.LayerNorm.weight'] = (H,); shapes[p + 'output.LayerNorm.bias'] = (H,)
 *     shapes['bert.pooler.dense.weight'] = (H, H); shapes['bert.pooler.dense.bias'] = (H,)
 *     shapes['cls.predictions.bias'] = (V,)
 *     sd = collections.OrderedDict()
 *     for j, (name, shape) in enumerate(shapes.items()):
 *         n = int(np.prod(shape))
 *         if name.endswith('position_ids'):
 *             sd[name] = Tensor(Storage(str(j), LongStorage, *i64(range(n))), 0, shape, (P, 1)); continue
 *         vals = np.array([((i * 7 + j * 13) % 17 - 8) / 8 for i in range(n)], dtype='<f4')
 *         if name.endswith('query.weight'):   # stored transposed: a [in, out] storage viewed as [out, in]
 *             st = Storage(str(j), FloatStorage, *f32(vals.reshape(shape).T.copy()))
 *             sd[name] = Tensor(st, 0, shape, (1, shape[0]))
 *         elif name.endswith('key.weight'):
 *             sd[name] = Tensor(Storage(str(j), HalfStorage, *f16(vals)), 0, shape, (shape[1], 1))
 *         else:
 *             sd[name] = Tensor(Storage(str(j), FloatStorage, *f32(vals)), 0, shape, tuple(int(np.prod(shape[k + 1:])) for k in range(len(shape))))
 *     return sd
 *
 * class ZipPickler(pickle.Pickler):
 *     def __init__(self, f, store): super().__init__(f, protocol=2); self.store = store
 *     def persistent_id(self, obj):
 *         if isinstance(obj, Storage): self.store[obj.key] = obj.raw; return ('storage', obj.cls, obj.key, 'cpu', obj.numel)
 *         return None
 *
 * def zip_save(obj, name='archive'):
 *     store = {}; buf = io.BytesIO(); ZipPickler(buf, store).dump(obj)
 *     out = io.BytesIO()
 *     with zipfile.ZipFile(out, 'w', zipfile.ZIP_STORED) as z:
 *         z.writestr(f'{name}/data.pkl', buf.getvalue())
 *         z.writestr(f'{name}/byteorder', 'little')
 *         for k, raw in store.items(): z.writestr(f'{name}/data/{k}', raw)
 *         z.writestr(f'{name}/version', '3\n')
 *     return out.getvalue()
 *
 * class LegacyPickler(pickle.Pickler):
 *     def __init__(self, f, store): super().__init__(f, protocol=2); self.store = store
 *     def persistent_id(self, obj):
 *         if isinstance(obj, Storage):
 *             self.store.setdefault(obj.key, obj); return ('storage', obj.cls, obj.key, 'cpu', obj.numel, None)
 *         return None
 *
 * def legacy_save(obj):
 *     f = io.BytesIO()
 *     for x in [0x1950a86a20f9469cfc6c, 1001, {'protocol_version': 1001, 'little_endian': True, 'type_sizes': {'short': 2, 'int': 4, 'long': 4}}]:
 *         pickle.dump(x, f, protocol=2)
 *     store = {}; LegacyPickler(f, store).dump(obj)
 *     pickle.dump(list(store.keys()), f, protocol=2)
 *     for s in store.values(): f.write(struct.pack('<q', s.numel)); f.write(s.raw)
 *     return f.getvalue()
 *
 * class Evil:
 *     def __reduce__(self): return (os.system, ('echo pwned',))
 *
 * b64 = lambda b: base64.b64encode(b).decode()
 * print(json.dumps({
 *     'smallZip': b64(zip_save(small_state())),
 *     'smallLegacy': b64(legacy_save(small_state())),
 *     'evilZip': b64(zip_save(collections.OrderedDict([('w', Evil())]))),
 *     'tinyBertZip': b64(zip_save(tiny_bert_state(), 'pytorch_model')),
 * }, indent=1))
 */
export const TORCH_FIXTURES = {
  smallZip:
    'UEsDBBQAAAAAAMd6dl3e8hvnbgIAAG4CAAAQAAAAYXJjaGl2ZS9kYXRhLnBrbIACY2NvbGxlY3Rpb25zCk9yZGVyZWREaWN0CnEAKVJxAShYAQ' +
    'AAAGFxAmN0b3JjaC5fdXRpbHMKX3JlYnVpbGRfdGVuc29yX3YyCnEDKChYBwAAAHN0b3JhZ2VxBGN0b3JjaApGbG9hdFN0b3JhZ2UKcQVYAQAA' +
    'ADBxBlgDAAAAY3B1cQdLBnRxCFFLAEsCSwOGcQlLA0sBhnEKiWgAKVJxC3RxDFJxDVgBAAAAYnEOaAMoKGgEY3RvcmNoCkhhbGZTdG9yYWdlCn' +
    'EPWAEAAAAxcRBoB0sDdHERUUsASwOFcRJLAYVxE4loAClScRR0cRVScRZYAQAAAGNxF2gDKChoBGgFaAZoB0sGdHEYUUsASwNLAoZxGUsBSwOG' +
    'cRqJaAApUnEbdHEcUnEdWAEAAABkcR5oAygoaARjdG9yY2gKQkZsb2F0MTZTdG9yYWdlCnEfWAEAAAAycSBoB0sEdHEhUUsBSwKFcSJoIoloAC' +
    'lScSN0cSRScSVYAQAAAGVxJmN0b3JjaC5fdXRpbHMKX3JlYnVpbGRfcGFyYW1ldGVyCnEnaAMoKGgEaAVoBmgHSwZ0cShRSwFLAksChnEpaAqJ' +
    'aAApUnEqdHErUnEsiWgAKVJxLYdxLlJxL1gMAAAAcG9zaXRpb25faWRzcTBoAygoaARjdG9yY2gKTG9uZ1N0b3JhZ2UKcTFYAQAAADNxMmgHSw' +
    'R0cTNRSwBLAUsEhnE0SwRLAYZxNYloAClScTZ0cTdScTh1fXE5WAkAAABfbWV0YWRhdGFxOmgAKVJxO1gAAAAAcTx9cT1YBwAAAHZlcnNpb25x' +
    'PksBc3NzYi5QSwMEFAAAAAAAx3p2XYU94xkGAAAABgAAABEAAABhcmNoaXZlL2J5dGVvcmRlcmxpdHRsZVBLAwQUAAAAAADHenZdEzOPuhgAAA' +
    'AYAAAADgAAAGFyY2hpdmUvZGF0YS8wAACAvwAAAL8AAAAAAAAAPwAAgD8AAMA/UEsDBBQAAAAAAMd6dl1ikc/lBgAAAAYAAAAOAAAAYXJjaGl2' +
    'ZS9kYXRhLzEAOADA/3tQSwMEFAAAAAAAx3p2Xe05cPwIAAAACAAAAA4AAABhcmNoaXZlL2RhdGEvMoA/SUAAvOBAUEsDBBQAAAAAAMd6dl0KEg' +
    'CRIAAAACAAAAAOAAAAYXJjaGl2ZS9kYXRhLzMAAAAAAAAAAAEAAAAAAAAAAgAAAAAAAAADAAAAAAAAAFBLAwQUAAAAAADHenZd0Z5nVQIAAAAC' +
    'AAAADwAAAGFyY2hpdmUvdmVyc2lvbjMKUEsBAhQDFAAAAAAAx3p2Xd7yG+duAgAAbgIAABAAAAAAAAAAAAAAAIABAAAAAGFyY2hpdmUvZGF0YS' +
    '5wa2xQSwECFAMUAAAAAADHenZdhT3jGQYAAAAGAAAAEQAAAAAAAAAAAAAAgAGcAgAAYXJjaGl2ZS9ieXRlb3JkZXJQSwECFAMUAAAAAADHenZd' +
    'EzOPuhgAAAAYAAAADgAAAAAAAAAAAAAAgAHRAgAAYXJjaGl2ZS9kYXRhLzBQSwECFAMUAAAAAADHenZdYpHP5QYAAAAGAAAADgAAAAAAAAAAAA' +
    'AAgAEVAwAAYXJjaGl2ZS9kYXRhLzFQSwECFAMUAAAAAADHenZd7Tlw/AgAAAAIAAAADgAAAAAAAAAAAAAAgAFHAwAAYXJjaGl2ZS9kYXRhLzJQ' +
    'SwECFAMUAAAAAADHenZdChIAkSAAAAAgAAAADgAAAAAAAAAAAAAAgAF7AwAAYXJjaGl2ZS9kYXRhLzNQSwECFAMUAAAAAADHenZd0Z5nVQIAAA' +
    'ACAAAADwAAAAAAAAAAAAAAgAHHAwAAYXJjaGl2ZS92ZXJzaW9uUEsFBgAAAAAHAAcAqgEAAPYDAAAAAA==',
  smallLegacy:
    'gAKKCmz8nEb5IGqoUBkugAJN6QMugAJ9cQAoWBAAAABwcm90b2NvbF92ZXJzaW9ucQFN6QNYDQAAAGxpdHRsZV9lbmRpYW5xAohYCgAAAHR5cG' +
    'Vfc2l6ZXNxA31xBChYBQAAAHNob3J0cQVLAlgDAAAAaW50cQZLBFgEAAAAbG9uZ3EHSwR1dS6AAmNjb2xsZWN0aW9ucwpPcmRlcmVkRGljdApx' +
    'AClScQEoWAEAAABhcQJjdG9yY2guX3V0aWxzCl9yZWJ1aWxkX3RlbnNvcl92MgpxAygoWAcAAABzdG9yYWdlcQRjdG9yY2gKRmxvYXRTdG9yYW' +
    'dlCnEFWAEAAAAwcQZYAwAAAGNwdXEHSwZOdHEIUUsASwJLA4ZxCUsDSwGGcQqJaAApUnELdHEMUnENWAEAAABicQ5oAygoaARjdG9yY2gKSGFs' +
    'ZlN0b3JhZ2UKcQ9YAQAAADFxEGgHSwNOdHERUUsASwOFcRJLAYVxE4loAClScRR0cRVScRZYAQAAAGNxF2gDKChoBGgFaAZoB0sGTnRxGFFLAE' +
    'sDSwKGcRlLAUsDhnEaiWgAKVJxG3RxHFJxHVgBAAAAZHEeaAMoKGgEY3RvcmNoCkJGbG9hdDE2U3RvcmFnZQpxH1gBAAAAMnEgaAdLBE50cSFR' +
    'SwFLAoVxImgiiWgAKVJxI3RxJFJxJVgBAAAAZXEmY3RvcmNoLl91dGlscwpfcmVidWlsZF9wYXJhbWV0ZXIKcSdoAygoaARoBWgGaAdLBk50cS' +
    'hRSwFLAksChnEpaAqJaAApUnEqdHErUnEsiWgAKVJxLYdxLlJxL1gMAAAAcG9zaXRpb25faWRzcTBoAygoaARjdG9yY2gKTG9uZ1N0b3JhZ2UK' +
    'cTFYAQAAADNxMmgHSwROdHEzUUsASwFLBIZxNEsESwGGcTWJaAApUnE2dHE3UnE4dX1xOVgJAAAAX21ldGFkYXRhcTpoAClScTtYAAAAAHE8fX' +
    'E9WAcAAAB2ZXJzaW9ucT5LAXNzc2IugAJdcQAoWAEAAAAwcQFYAQAAADFxAlgBAAAAMnEDWAEAAAAzcQRlLgYAAAAAAAAAAACAvwAAAL8AAAAA' +
    'AAAAPwAAgD8AAMA/AwAAAAAAAAAAOADA/3sEAAAAAAAAAIA/SUAAvOBABAAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAgAAAAAAAAADAAAAAAAAAA' +
    '==',
  evilZip:
    'UEsDBBQAAAAAAMd6dl3QEGqZUgAAAFIAAAAQAAAAYXJjaGl2ZS9kYXRhLnBrbIACY2NvbGxlY3Rpb25zCk9yZGVyZWREaWN0CnEAKVJxAVgBAA' +
    'AAd3ECY3Bvc2l4CnN5c3RlbQpxA1gKAAAAZWNobyBwd25lZHEEhXEFUnEGcy5QSwMEFAAAAAAAx3p2XYU94xkGAAAABgAAABEAAABhcmNoaXZl' +
    'L2J5dGVvcmRlcmxpdHRsZVBLAwQUAAAAAADHenZd0Z5nVQIAAAACAAAADwAAAGFyY2hpdmUvdmVyc2lvbjMKUEsBAhQDFAAAAAAAx3p2XdAQap' +
    'lSAAAAUgAAABAAAAAAAAAAAAAAAIABAAAAAGFyY2hpdmUvZGF0YS5wa2xQSwECFAMUAAAAAADHenZdhT3jGQYAAAAGAAAAEQAAAAAAAAAAAAAA' +
    'gAGAAAAAYXJjaGl2ZS9ieXRlb3JkZXJQSwECFAMUAAAAAADHenZd0Z5nVQIAAAACAAAADwAAAAAAAAAAAAAAgAG1AAAAYXJjaGl2ZS92ZXJzaW' +
    '9uUEsFBgAAAAADAAMAugAAAOQAAAAAAA==',
  tinyBertZip:
    'UEsDBBQAAAAAAMd6dl1d3fg/PQoAAD0KAAAWAAAAcHl0b3JjaF9tb2RlbC9kYXRhLnBrbIACY2NvbGxlY3Rpb25zCk9yZGVyZWREaWN0CnEAKV' +
    'JxAShYHAAAAGJlcnQuZW1iZWRkaW5ncy5wb3NpdGlvbl9pZHNxAmN0b3JjaC5fdXRpbHMKX3JlYnVpbGRfdGVuc29yX3YyCnEDKChYBwAAAHN0' +
    'b3JhZ2VxBGN0b3JjaApMb25nU3RvcmFnZQpxBVgBAAAAMHEGWAMAAABjcHVxB0sIdHEIUUsASwFLCIZxCUsISwGGcQqJaAApUnELdHEMUnENWC' +
    'YAAABiZXJ0LmVtYmVkZGluZ3Mud29yZF9lbWJlZGRpbmdzLndlaWdodHEOaAMoKGgEY3RvcmNoCkZsb2F0U3RvcmFnZQpxD1gBAAAAMXEQaAdL' +
    'MHRxEVFLAEsMSwSGcRJLBEsBhnETiWgAKVJxFHRxFVJxFlgqAAAAYmVydC5lbWJlZGRpbmdzLnBvc2l0aW9uX2VtYmVkZGluZ3Mud2VpZ2h0cR' +
    'doAygoaARoD1gBAAAAMnEYaAdLIHRxGVFLAEsISwSGcRpLBEsBhnEbiWgAKVJxHHRxHVJxHlgsAAAAYmVydC5lbWJlZGRpbmdzLnRva2VuX3R5' +
    'cGVfZW1iZWRkaW5ncy53ZWlnaHRxH2gDKChoBGgPWAEAAAAzcSBoB0sIdHEhUUsASwJLBIZxIksESwGGcSOJaAApUnEkdHElUnEmWB8AAABiZX' +
    'J0LmVtYmVkZGluZ3MuTGF5ZXJOb3JtLmdhbW1hcSdoAygoaARoD1gBAAAANHEoaAdLBHRxKVFLAEsEhXEqSwGFcSuJaAApUnEsdHEtUnEuWB4A' +
    'AABiZXJ0LmVtYmVkZGluZ3MuTGF5ZXJOb3JtLmJldGFxL2gDKChoBGgPWAEAAAA1cTBoB0sEdHExUUsASwSFcTJLAYVxM4loAClScTR0cTVScT' +
    'ZYMAAAAGJlcnQuZW5jb2Rlci5sYXllci4wLmF0dGVudGlvbi5zZWxmLnF1ZXJ5LndlaWdodHE3aAMoKGgEaA9YAQAAADZxOGgHSxB0cTlRSwBL' +
    'BEsEhnE6SwFLBIZxO4loAClScTx0cT1ScT5YLgAAAGJlcnQuZW5jb2Rlci5sYXllci4wLmF0dGVudGlvbi5zZWxmLnF1ZXJ5LmJpYXNxP2gDKC' +
    'hoBGgPWAEAAAA3cUBoB0sEdHFBUUsASwSFcUJLAYVxQ4loAClScUR0cUVScUZYLgAAAGJlcnQuZW5jb2Rlci5sYXllci4wLmF0dGVudGlvbi5z' +
    'ZWxmLmtleS53ZWlnaHRxR2gDKChoBGN0b3JjaApIYWxmU3RvcmFnZQpxSFgBAAAAOHFJaAdLEHRxSlFLAEsESwSGcUtLBEsBhnFMiWgAKVJxTX' +
    'RxTlJxT1gsAAAAYmVydC5lbmNvZGVyLmxheWVyLjAuYXR0ZW50aW9uLnNlbGYua2V5LmJpYXNxUGgDKChoBGgPWAEAAAA5cVFoB0sEdHFSUUsA' +
    'SwSFcVNLAYVxVIloAClScVV0cVZScVdYMAAAAGJlcnQuZW5jb2Rlci5sYXllci4wLmF0dGVudGlvbi5zZWxmLnZhbHVlLndlaWdodHFYaAMoKG' +
    'gEaA9YAgAAADEwcVloB0sQdHFaUUsASwRLBIZxW0sESwGGcVyJaAApUnFddHFeUnFfWC4AAABiZXJ0LmVuY29kZXIubGF5ZXIuMC5hdHRlbnRp' +
    'b24uc2VsZi52YWx1ZS5iaWFzcWBoAygoaARoD1gCAAAAMTFxYWgHSwR0cWJRSwBLBIVxY0sBhXFkiWgAKVJxZXRxZlJxZ1gyAAAAYmVydC5lbm' +
    'NvZGVyLmxheWVyLjAuYXR0ZW50aW9uLm91dHB1dC5kZW5zZS53ZWlnaHRxaGgDKChoBGgPWAIAAAAxMnFpaAdLEHRxalFLAEsESwSGcWtLBEsB' +
    'hnFsiWgAKVJxbXRxblJxb1gwAAAAYmVydC5lbmNvZGVyLmxheWVyLjAuYXR0ZW50aW9uLm91dHB1dC5kZW5zZS5iaWFzcXBoAygoaARoD1gCAA' +
    'AAMTNxcWgHSwR0cXJRSwBLBIVxc0sBhXF0iWgAKVJxdXRxdlJxd1g2AAAAYmVydC5lbmNvZGVyLmxheWVyLjAuYXR0ZW50aW9uLm91dHB1dC5M' +
    'YXllck5vcm0ud2VpZ2h0cXhoAygoaARoD1gCAAAAMTRxeWgHSwR0cXpRSwBLBIVxe0sBhXF8iWgAKVJxfXRxflJxf1g0AAAAYmVydC5lbmNvZG' +
    'VyLmxheWVyLjAuYXR0ZW50aW9uLm91dHB1dC5MYXllck5vcm0uYmlhc3GAaAMoKGgEaA9YAgAAADE1cYFoB0sEdHGCUUsASwSFcYNLAYVxhIlo' +
    'AClScYV0cYZScYdYLgAAAGJlcnQuZW5jb2Rlci5sYXllci4wLmludGVybWVkaWF0ZS5kZW5zZS53ZWlnaHRxiGgDKChoBGgPWAIAAAAxNnGJaA' +
    'dLIHRxilFLAEsISwSGcYtLBEsBhnGMiWgAKVJxjXRxjlJxj1gsAAAAYmVydC5lbmNvZGVyLmxheWVyLjAuaW50ZXJtZWRpYXRlLmRlbnNlLmJp' +
    'YXNxkGgDKChoBGgPWAIAAAAxN3GRaAdLCHRxklFLAEsIhXGTSwGFcZSJaAApUnGVdHGWUnGXWCgAAABiZXJ0LmVuY29kZXIubGF5ZXIuMC5vdX' +
    'RwdXQuZGVuc2Uud2VpZ2h0cZhoAygoaARoD1gCAAAAMThxmWgHSyB0cZpRSwBLBEsIhnGbSwhLAYZxnIloAClScZ10cZ5ScZ9YJgAAAGJlcnQu' +
    'ZW5jb2Rlci5sYXllci4wLm91dHB1dC5kZW5zZS5iaWFzcaBoAygoaARoD1gCAAAAMTlxoWgHSwR0caJRSwBLBIVxo0sBhXGkiWgAKVJxpXRxpl' +
    'Jxp1gsAAAAYmVydC5lbmNvZGVyLmxheWVyLjAub3V0cHV0LkxheWVyTm9ybS53ZWlnaHRxqGgDKChoBGgPWAIAAAAyMHGpaAdLBHRxqlFLAEsE' +
    'hXGrSwGFcayJaAApUnGtdHGuUnGvWCoAAABiZXJ0LmVuY29kZXIubGF5ZXIuMC5vdXRwdXQuTGF5ZXJOb3JtLmJpYXNxsGgDKChoBGgPWAIAAA' +
    'AyMXGxaAdLBHRxslFLAEsEhXGzSwGFcbSJaAApUnG1dHG2UnG3WBgAAABiZXJ0LnBvb2xlci5kZW5zZS53ZWlnaHRxuGgDKChoBGgPWAIAAAAy' +
    'MnG5aAdLEHRxulFLAEsESwSGcbtLBEsBhnG8iWgAKVJxvXRxvlJxv1gWAAAAYmVydC5wb29sZXIuZGVuc2UuYmlhc3HAaAMoKGgEaA9YAgAAAD' +
    'IzccFoB0sEdHHCUUsASwSFccNLAYVxxIloAClSccV0ccZSccdYFAAAAGNscy5wcmVkaWN0aW9ucy5iaWFzcchoAygoaARoD1gCAAAAMjRxyWgH' +
    'Swx0ccpRSwBLDIVxy0sBhXHMiWgAKVJxzXRxzlJxz3UuUEsDBBQAAAAAAMd6dl2FPeMZBgAAAAYAAAAXAAAAcHl0b3JjaF9tb2RlbC9ieXRlb3' +
    'JkZXJsaXR0bGVQSwMEFAAAAAAAx3p2XX6YOvlAAAAAQAAAABQAAABweXRvcmNoX21vZGVsL2RhdGEvMAAAAAAAAAAAAQAAAAAAAAACAAAAAAAA' +
    'AAMAAAAAAAAABAAAAAAAAAAFAAAAAAAAAAYAAAAAAAAABwAAAAAAAABQSwMEFAAAAAAAx3p2XfAvFUzAAAAAwAAAABQAAABweXRvcmNoX21vZG' +
    'VsL2RhdGEvMQAAID8AACC/AACAPgAAgL8AAAC+AABAPwAAAL8AAMA+AABgvwAAAAAAAGA/AADAvgAAAD8AAEC/AAAAPgAAgD8AAIC+AAAgPwAA' +
    'IL8AAIA+AACAvwAAAL4AAEA/AAAAvwAAwD4AAGC/AAAAAAAAYD8AAMC+AAAAPwAAQL8AAAA+AACAPwAAgL4AACA/AAAgvwAAgD4AAIC/AAAAvg' +
    'AAQD8AAAC/AADAPgAAYL8AAAAAAABgPwAAwL4AAAA/AABAv1BLAwQUAAAAAADHenZdMrKLioAAAACAAAAAFAAAAHB5dG9yY2hfbW9kZWwvZGF0' +
    'YS8yAAAAPgAAgD8AAIC+AAAgPwAAIL8AAIA+AACAvwAAAL4AAEA/AAAAvwAAwD4AAGC/AAAAAAAAYD8AAMC+AAAAPwAAQL8AAAA+AACAPwAAgL' +
    '4AACA/AAAgvwAAgD4AAIC/AAAAvgAAQD8AAAC/AADAPgAAYL8AAAAAAABgPwAAwL5QSwMEFAAAAAAAx3p2XUeAkYcgAAAAIAAAABQAAABweXRv' +
    'cmNoX21vZGVsL2RhdGEvMwAAwL4AAAA/AABAvwAAAD4AAIA/AACAvgAAID8AACC/UEsDBBQAAAAAAMd6dl25sKMsEAAAABAAAAAUAAAAcHl0b3' +
    'JjaF9tb2RlbC9kYXRhLzQAAGC/AAAAAAAAYD8AAMC+UEsDBBQAAAAAAMd6dl0bVgwrEAAAABAAAAAUAAAAcHl0b3JjaF9tb2RlbC9kYXRhLzUA' +
    'AEA/AAAAvwAAwD4AAGC/UEsDBBQAAAAAAMd6dl24ilBAQAAAAEAAAAAUAAAAcHl0b3JjaF9tb2RlbC9kYXRhLzYAAIA+AAAAvwAAYD8AAAA+AA' +
    'CAvwAAwD4AAMC+AACAPwAAAL4AAGC/AAAAPwAAgL4AAEA/AAAAAAAAQL8AACA/UEsDBBQAAAAAAMd6dl3/czHjEAAAABAAAAAUAAAAcHl0b3Jj' +
    'aF9tb2RlbC9kYXRhLzcAAIC+AAAgPwAAIL8AAIA+UEsDBBQAAAAAAMd6dl0CUekCIAAAACAAAAAUAAAAcHl0b3JjaF9tb2RlbC9kYXRhLzgAug' +
    'AwADwAtAA5ALkANAC8ALAAOgC4ADYAuwAAADsAtlBLAwQUAAAAAADHenZdhyegMBAAAAAQAAAAFAAAAHB5dG9yY2hfbW9kZWwvZGF0YS85AABg' +
    'PwAAwL4AAAA/AABAv1BLAwQUAAAAAADHenZdYECuP0AAAABAAAAAFQAAAHB5dG9yY2hfbW9kZWwvZGF0YS8xMAAAwD4AAGC/AAAAAAAAYD8AAM' +
    'C+AAAAPwAAQL8AAAA+AACAPwAAgL4AACA/AAAgvwAAgD4AAIC/AAAAvgAAQD9QSwMEFAAAAAAAx3p2XV7ScEYQAAAAEAAAABUAAABweXRvcmNo' +
    'X21vZGVsL2RhdGEvMTEAAAC+AABAPwAAAL8AAMA+UEsDBBQAAAAAAMd6dl0OWR0vQAAAAEAAAAAVAAAAcHl0b3JjaF9tb2RlbC9kYXRhLzEyAA' +
    'AgvwAAgD4AAIC/AAAAvgAAQD8AAAC/AADAPgAAYL8AAAAAAABgPwAAwL4AAAA/AABAvwAAAD4AAIA/AACAvlBLAwQUAAAAAADHenZdfS7lwxAA' +
    'AAAQAAAAFQAAAHB5dG9yY2hfbW9kZWwvZGF0YS8xMwAAgD8AAIC+AAAgPwAAIL9QSwMEFAAAAAAAx3p2XTLIIVYQAAAAEAAAABUAAABweXRvcm' +
    'NoX21vZGVsL2RhdGEvMTQAAAA/AABAvwAAAD4AAIA/UEsDBBQAAAAAAMd6dl3axa3EEAAAABAAAAAVAAAAcHl0b3JjaF9tb2RlbC9kYXRhLzE1' +
    'AAAAAAAAYD8AAMC+AAAAP1BLAwQUAAAAAADHenZdIMNyUIAAAACAAAAAFQAAAHB5dG9yY2hfbW9kZWwvZGF0YS8xNgAAAL8AAMA+AABgvwAAAA' +
    'AAAGA/AADAvgAAAD8AAEC/AAAAPgAAgD8AAIC+AAAgPwAAIL8AAIA+AACAvwAAAL4AAEA/AAAAvwAAwD4AAGC/AAAAAAAAYD8AAMC+AAAAPwAA' +
    'QL8AAAA+AACAPwAAgL4AACA/AAAgvwAAgD4AAIC/UEsDBBQAAAAAAMd6dl2dQsV+IAAAACAAAAAVAAAAcHl0b3JjaF9tb2RlbC9kYXRhLzE3AA' +
    'CAvwAAAL4AAEA/AAAAvwAAwD4AAGC/AAAAAAAAYD9QSwMEFAAAAAAAx3p2XXKJhKeAAAAAgAAAABUAAABweXRvcmNoX21vZGVsL2RhdGEvMTgA' +
    'ACA/AAAgvwAAgD4AAIC/AAAAvgAAQD8AAAC/AADAPgAAYL8AAAAAAABgPwAAwL4AAAA/AABAvwAAAD4AAIA/AACAvgAAID8AACC/AACAPgAAgL' +
    '8AAAC+AABAPwAAAL8AAMA+AABgvwAAAAAAAGA/AADAvgAAAD8AAEC/AAAAPlBLAwQUAAAAAADHenZd+gcMlBAAAAAQAAAAFQAAAHB5dG9yY2hf' +
    'bW9kZWwvZGF0YS8xOQAAAD4AAIA/AACAvgAAID9QSwMEFAAAAAAAx3p2Xc8Qot4QAAAAEAAAABUAAABweXRvcmNoX21vZGVsL2RhdGEvMjAAAM' +
    'C+AAAAPwAAQL8AAAA+UEsDBBQAAAAAAMd6dl25sKMsEAAAABAAAAAVAAAAcHl0b3JjaF9tb2RlbC9kYXRhLzIxAABgvwAAAAAAAGA/AADAvlBL' +
    'AwQUAAAAAADHenZdwtJqFUAAAABAAAAAFQAAAHB5dG9yY2hfbW9kZWwvZGF0YS8yMgAAQD8AAAC/AADAPgAAYL8AAAAAAABgPwAAwL4AAAA/AA' +
    'BAvwAAAD4AAIA/AACAvgAAID8AACC/AACAPgAAgL9QSwMEFAAAAAAAx3p2XSiXZwoQAAAAEAAAABUAAABweXRvcmNoX21vZGVsL2RhdGEvMjMA' +
    'AIA+AACAvwAAAL4AAEA/UEsDBBQAAAAAAMd6dl0bGKwtMAAAADAAAAAVAAAAcHl0b3JjaF9tb2RlbC9kYXRhLzI0AACAvgAAID8AACC/AACAPg' +
    'AAgL8AAAC+AABAPwAAAL8AAMA+AABgvwAAAAAAAGA/UEsDBBQAAAAAAMd6dl3RnmdVAgAAAAIAAAAVAAAAcHl0b3JjaF9tb2RlbC92ZXJzaW9u' +
    'MwpQSwECFAMUAAAAAADHenZdXd34Pz0KAAA9CgAAFgAAAAAAAAAAAAAAgAEAAAAAcHl0b3JjaF9tb2RlbC9kYXRhLnBrbFBLAQIUAxQAAAAAAM' +
    'd6dl2FPeMZBgAAAAYAAAAXAAAAAAAAAAAAAACAAXEKAABweXRvcmNoX21vZGVsL2J5dGVvcmRlclBLAQIUAxQAAAAAAMd6dl1+mDr5QAAAAEAA' +
    'AAAUAAAAAAAAAAAAAACAAawKAABweXRvcmNoX21vZGVsL2RhdGEvMFBLAQIUAxQAAAAAAMd6dl3wLxVMwAAAAMAAAAAUAAAAAAAAAAAAAACAAR' +
    '4LAABweXRvcmNoX21vZGVsL2RhdGEvMVBLAQIUAxQAAAAAAMd6dl0ysouKgAAAAIAAAAAUAAAAAAAAAAAAAACAARAMAABweXRvcmNoX21vZGVs' +
    'L2RhdGEvMlBLAQIUAxQAAAAAAMd6dl1HgJGHIAAAACAAAAAUAAAAAAAAAAAAAACAAcIMAABweXRvcmNoX21vZGVsL2RhdGEvM1BLAQIUAxQAAA' +
    'AAAMd6dl25sKMsEAAAABAAAAAUAAAAAAAAAAAAAACAARQNAABweXRvcmNoX21vZGVsL2RhdGEvNFBLAQIUAxQAAAAAAMd6dl0bVgwrEAAAABAA' +
    'AAAUAAAAAAAAAAAAAACAAVYNAABweXRvcmNoX21vZGVsL2RhdGEvNVBLAQIUAxQAAAAAAMd6dl24ilBAQAAAAEAAAAAUAAAAAAAAAAAAAACAAZ' +
    'gNAABweXRvcmNoX21vZGVsL2RhdGEvNlBLAQIUAxQAAAAAAMd6dl3/czHjEAAAABAAAAAUAAAAAAAAAAAAAACAAQoOAABweXRvcmNoX21vZGVs' +
    'L2RhdGEvN1BLAQIUAxQAAAAAAMd6dl0CUekCIAAAACAAAAAUAAAAAAAAAAAAAACAAUwOAABweXRvcmNoX21vZGVsL2RhdGEvOFBLAQIUAxQAAA' +
    'AAAMd6dl2HJ6AwEAAAABAAAAAUAAAAAAAAAAAAAACAAZ4OAABweXRvcmNoX21vZGVsL2RhdGEvOVBLAQIUAxQAAAAAAMd6dl1gQK4/QAAAAEAA' +
    'AAAVAAAAAAAAAAAAAACAAeAOAABweXRvcmNoX21vZGVsL2RhdGEvMTBQSwECFAMUAAAAAADHenZdXtJwRhAAAAAQAAAAFQAAAAAAAAAAAAAAgA' +
    'FTDwAAcHl0b3JjaF9tb2RlbC9kYXRhLzExUEsBAhQDFAAAAAAAx3p2XQ5ZHS9AAAAAQAAAABUAAAAAAAAAAAAAAIABlg8AAHB5dG9yY2hfbW9k' +
    'ZWwvZGF0YS8xMlBLAQIUAxQAAAAAAMd6dl19LuXDEAAAABAAAAAVAAAAAAAAAAAAAACAAQkQAABweXRvcmNoX21vZGVsL2RhdGEvMTNQSwECFA' +
    'MUAAAAAADHenZdMsghVhAAAAAQAAAAFQAAAAAAAAAAAAAAgAFMEAAAcHl0b3JjaF9tb2RlbC9kYXRhLzE0UEsBAhQDFAAAAAAAx3p2XdrFrcQQ' +
    'AAAAEAAAABUAAAAAAAAAAAAAAIABjxAAAHB5dG9yY2hfbW9kZWwvZGF0YS8xNVBLAQIUAxQAAAAAAMd6dl0gw3JQgAAAAIAAAAAVAAAAAAAAAA' +
    'AAAACAAdIQAABweXRvcmNoX21vZGVsL2RhdGEvMTZQSwECFAMUAAAAAADHenZdnULFfiAAAAAgAAAAFQAAAAAAAAAAAAAAgAGFEQAAcHl0b3Jj' +
    'aF9tb2RlbC9kYXRhLzE3UEsBAhQDFAAAAAAAx3p2XXKJhKeAAAAAgAAAABUAAAAAAAAAAAAAAIAB2BEAAHB5dG9yY2hfbW9kZWwvZGF0YS8xOF' +
    'BLAQIUAxQAAAAAAMd6dl36BwyUEAAAABAAAAAVAAAAAAAAAAAAAACAAYsSAABweXRvcmNoX21vZGVsL2RhdGEvMTlQSwECFAMUAAAAAADHenZd' +
    'zxCi3hAAAAAQAAAAFQAAAAAAAAAAAAAAgAHOEgAAcHl0b3JjaF9tb2RlbC9kYXRhLzIwUEsBAhQDFAAAAAAAx3p2XbmwoywQAAAAEAAAABUAAA' +
    'AAAAAAAAAAAIABERMAAHB5dG9yY2hfbW9kZWwvZGF0YS8yMVBLAQIUAxQAAAAAAMd6dl3C0moVQAAAAEAAAAAVAAAAAAAAAAAAAACAAVQTAABw' +
    'eXRvcmNoX21vZGVsL2RhdGEvMjJQSwECFAMUAAAAAADHenZdKJdnChAAAAAQAAAAFQAAAAAAAAAAAAAAgAHHEwAAcHl0b3JjaF9tb2RlbC9kYX' +
    'RhLzIzUEsBAhQDFAAAAAAAx3p2XRsYrC0wAAAAMAAAABUAAAAAAAAAAAAAAIABChQAAHB5dG9yY2hfbW9kZWwvZGF0YS8yNFBLAQIUAxQAAAAA' +
    'AMd6dl3RnmdVAgAAAAIAAAAVAAAAAAAAAAAAAACAAW0UAABweXRvcmNoX21vZGVsL3ZlcnNpb25QSwUGAAAAABwAHABNBwAAohQAAAAA',
};
