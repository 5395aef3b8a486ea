//! Compile speed: the built-in notes through the whole headless pipeline.

use criterion::{Criterion, criterion_group, criterion_main};

fn compile_builtin(c: &mut Criterion) {
    c.bench_function("compile_builtin", |b| {
        b.iter(|| {
            let compiled = cloudatlas::compile_builtin();
            assert!(!compiled.sections.is_empty());
            compiled
        });
    });
}

criterion_group!(benches, compile_builtin);
criterion_main!(benches);
