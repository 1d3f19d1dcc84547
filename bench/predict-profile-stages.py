# Main-thread time per stage of a `node --cpu-prof` run of predict (bench/predict-speed.md):
#   python3 bench/predict-profile-stages.py PROFILE_DIR DOCS
import json,sys,collections,glob
# Stage of a sample = the innermost frame on its stack that names a stage.
STAGES=[('int64 tensor',['toInt64','idsTensor']),
 ('ORT run',['backend.js']),
 ('tokenize+vocab',['normalizeText','tokenize','charTokens','encodeIds','encode','encodeBatch','id vocab','truncate','toHalfWidth','replacePlaceholders']),
 ('read+parse',['textLines','decode-stream','lineDocs','read ','readableAddChunk','decode','onStreamRead','string_decoder']),
 ('output',['formatPrediction','prediction-lines','JSON.stringify','stringify','toFixed','writeOrBuffer','write ','writeGeneric','writev']),
 ('predict-stream',['predict-stream.ts','flush']),
]
def stage(fr):
    name=(fr['functionName'] or '')+' '+fr['url'].split('/')[-1]
    for s,keys in STAGES:
        if any(k in name for k in keys): return s
    return None
N=int(sys.argv[2])
for f in sorted(glob.glob(sys.argv[1]+'/*.cpuprofile'))[:1]:
    p=json.load(open(f)); nodes={n['id']:n for n in p['nodes']}; parent={}
    for n in p['nodes']:
        for c in n.get('children',[]): parent[c]=n['id']
    memo={}
    def st(i):
        if i in memo: return memo[i]
        s=stage(nodes[i]['callFrame']); 
        if s is None and i in parent: s=st(parent[i])
        memo[i]=s; return s
    acc=collections.Counter()
    for s,d in zip(p['samples'],p['timeDeltas']):
        name=nodes[s]['callFrame']['functionName']
        if name=='(idle)': acc['(idle)']+=d; continue
        if name in('(garbage collector)',): acc['GC']+=d; continue
        acc[st(s) or 'other (startup, module loading, …)']+=d
    for k,v in acc.most_common(): print(f'{k:40s} {v/1000:9.0f} ms  {v/N:8.1f} µs/doc')
