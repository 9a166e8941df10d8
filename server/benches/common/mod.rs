//! The scratch databases every benchmark runs on: a new SQLite file and a new PostgreSQL
//! database (on `REINTEGRA_TEST_POSTGRES_URL`, required), each removed afterwards.

use reintegra::storage::{self, Pool, Storage};
use sqlx::Connection;
use std::sync::Arc;
use uuid::Uuid;

/// A scratch database, migrated; [`Scratch::remove`] deletes it.
pub struct Scratch {
    pub store: Arc<dyn Storage>,
    pub pool: Pool,
    gone: Gone,
}

enum Gone {
    File(std::path::PathBuf),
    Database { admin: sqlx::PgConnection, name: String },
}

pub async fn sqlite() -> Scratch {
    let path = std::env::temp_dir().join(format!("reintegra-bench-{}.db", Uuid::now_v7()));
    let (store, pool) = storage::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("sqlite");
    Scratch {
        store,
        pool,
        gone: Gone::File(path),
    }
}

pub async fn postgres() -> Scratch {
    let admin_url = std::env::var("REINTEGRA_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is required: {e}"));
    let name = format!("reintegra_bench_{}", Uuid::now_v7().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
    let (store, pool) = storage::connect(&format!("{base}/{name}")).await.expect("postgres");
    Scratch {
        store,
        pool,
        gone: Gone::Database { admin, name },
    }
}

impl Scratch {
    pub async fn remove(self) {
        match self.gone {
            Gone::File(path) => {
                let _ = std::fs::remove_file(&path);
            }
            Gone::Database { mut admin, name } => {
                if let Pool::Postgres(p) = self.pool {
                    p.close().await;
                }
                let _ = sqlx::query(&format!("DROP DATABASE {name}")).execute(&mut admin).await;
            }
        }
    }
}
