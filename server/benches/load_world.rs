//! Seeds the load run's database (not a test: `scripts/bench.sh` calls it): one municipality
//! with `load000`… field workers (password `load-password-long`), each with a caseload of
//! generated households through the real storage path, and the plans' clock run once.
//!
//! `cargo bench -p reintegra --bench load_world -- DATABASE_URL WORKERS CASES_EACH`

use app::domain::Role;
use reintegra::context::Ctx;
use reintegra::follow_ups::FollowUps;
use reintegra::seed;
use reintegra::storage;

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench` first; the three values follow `--`.
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let [url, workers, cases] = args.as_slice() else {
        eprintln!("usage: load_world DATABASE_URL WORKERS CASES_EACH");
        std::process::exit(2);
    };
    let (workers, cases): (usize, usize) = (workers.parse().expect("WORKERS"), cases.parse().expect("CASES_EACH"));
    let (store, _) = storage::connect(url).await.expect("database");
    let m = seed::ensure_municipality(store.as_ref(), "load", "Load / Оптерећење")
        .await
        .expect("municipality");
    let user = |name: String, role| {
        let store = store.clone();
        let m = m.clone();
        async move {
            seed::create_user(store.as_ref(), &m, &name, &name, &[role], None, "load-password-long")
                .await
                .expect("user")
        }
    };
    let supervisor = user("load-supervisor".into(), Role::Supervisor).await;
    let manager = user("load-manager".into(), Role::CaseManager).await;
    let now = chrono::Utc::now();
    let started = std::time::Instant::now();
    let mut records = 0;
    for i in 0..workers {
        let worker = user(format!("load{i:03}"), Role::FieldWorker).await;
        let world = seed::cases::CaseWorld {
            municipality_id: m.id,
            field_workers: vec![worker.id],
            case_manager: manager.id,
            supervisor: supervisor.id,
            institutions: Vec::new(),
            services: Vec::new(),
        };
        records += seed::load_households(store.as_ref(), &world, cases, i as u64 + 1, now)
            .await
            .expect("households");
    }
    FollowUps::new(Ctx::new(store.clone()))
        .schedule_all(now)
        .await
        .expect("clock");
    println!(
        "seeded {workers} field workers with {cases} cases each ({records} records) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
