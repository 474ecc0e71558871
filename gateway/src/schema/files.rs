//! Files attached to training applications (the applicant's papers), coaching engagements
//! (the plan's documents, ADR 0054) and practices (reports), ADR 0026:
//! `TrainingApplication.attachments`, `CoachingEngagement.planDocuments` and
//! `Practice.attachments` (through [`FileLoaders`]: one `ListFiles` call per service for a
//! whole page), each file with a short-lived signed download link, and
//! `createApplicationFileUpload` / `createCoachingPlanFileUpload` /
//! `createPracticeFileUpload`, which ask the owning service whether the caller may attach
//! the file and answer a signed upload link. The bytes travel over the gateway's `/files/…`
//! routes ([`crate::files`]), as for requests (ADR 0022).

use crate::schema::scalars::DateTime;
use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::Utc;
use glocal_kit::Caller;
use glocal_proto::common::v1 as pb;

use super::common::{Person, PublicUrls, datetime};
use super::requests::{AttachmentUpload, attachment_links};
use crate::upstream::loaders::files::FileLoaders;
use crate::upstream::{ResearchFiles, Service, TrainingFiles, call, caller, error};

/// What a signed link to upload an application's file is for.
pub const APPLICATION_UPLOAD: &str = "upload:application";
/// What a signed link to download an application's file is for.
pub const APPLICATION_DOWNLOAD: &str = "download:application";
/// What a signed link to upload a coaching plan's document is for.
pub const COACHING_PLAN_UPLOAD: &str = "upload:coaching-plan";
/// What a signed link to download a coaching plan's document is for.
pub const COACHING_PLAN_DOWNLOAD: &str = "download:coaching-plan";
/// What a signed link to upload a practice's file is for.
pub const PRACTICE_UPLOAD: &str = "upload:practice";
/// What a signed link to download a practice's file is for.
pub const PRACTICE_DOWNLOAD: &str = "download:practice";

/// The subject a download link of a public practice's report acts as when the reader is
/// anonymous: a caller without roles, whom the research service treats as the public.
const ANONYMOUS_READER: &str = "anonymous";

/// A file attached to a training application, a coaching engagement or a practice.
pub struct AttachedFile {
    file: pb::StoredFile,
    download_purpose: &'static str,
}

/// A file attached to a training application (the applicant's papers), a coaching
/// engagement (its plan's documents) or a practice (a report).
#[Object]
impl AttachedFile {
    /// File id.
    async fn id(&self) -> ID {
        ID(self.file.id.clone())
    }

    /// The uploader's name for it.
    async fn file_name(&self) -> &str {
        &self.file.file_name
    }

    /// Size in bytes.
    async fn size_bytes(&self) -> Result<i32> {
        i32::try_from(self.file.size_bytes).map_err(|_| {
            error::internal(format!("file size {} out of range", self.file.size_bytes))
        })
    }

    /// Media type, judged from the content (the name only refines a container).
    async fn media_type(&self) -> &str {
        &self.file.media_type
    }

    /// SHA-256 of the content, lowercase hex.
    async fn sha256(&self) -> &str {
        &self.file.sha256
    }

    /// Who uploaded it.
    async fn uploaded_by(&self) -> Person {
        Person {
            subject: self.file.uploaded_by_subject.clone(),
            name: self.file.uploaded_by_name.clone(),
        }
    }

    /// When.
    async fn uploaded_at(&self) -> Option<DateTime> {
        datetime(self.file.uploaded_at.as_ref())
    }

    /// An absolute link on this gateway (`gateway.public_url`) that downloads the file as
    /// the caller (`GET`, no token needed), valid for a few minutes
    /// (`storage.link_ttl_secs`). The owning service checks again that the caller may read it.
    async fn download_url(&self, ctx: &Context<'_>) -> Result<String> {
        let anonymous;
        let acting = match caller(ctx) {
            Some(c) => c,
            None => {
                anonymous = Caller::new(ANONYMOUS_READER, "", "", Vec::<glocal_kit::Role>::new());
                &anonymous
            }
        };
        let token = glocal_kit::identity::signer().link(
            acting,
            self.download_purpose,
            vec![self.file.id.clone()],
            attachment_links(ctx).ttl,
        );
        let urls = ctx.data::<PublicUrls>()?;
        Ok(urls.gateway_url(&format!("/files/download/{token}")))
    }
}

/// The files of application `id` the caller may see, oldest first.
pub(crate) async fn application_files(ctx: &Context<'_>, id: &str) -> Result<Vec<AttachedFile>> {
    let loaders = FileLoaders::new(ctx)?;
    let files = loaders.applications().load_one(id.to_owned()).await?;
    Ok(wrap(files.unwrap_or_default(), APPLICATION_DOWNLOAD))
}

/// The plan documents of coaching engagement `id` the caller may see, oldest first.
pub(crate) async fn coaching_plan_files(ctx: &Context<'_>, id: &str) -> Result<Vec<AttachedFile>> {
    let loaders = FileLoaders::new(ctx)?;
    let files = loaders.applications().load_one(id.to_owned()).await?;
    Ok(wrap(files.unwrap_or_default(), COACHING_PLAN_DOWNLOAD))
}

/// The files of practice `id` the caller may see, oldest first (none for a tombstone).
pub(crate) async fn practice_files(ctx: &Context<'_>, id: &str) -> Result<Vec<AttachedFile>> {
    let loaders = FileLoaders::new(ctx)?;
    let files = loaders.practices().load_one(id.to_owned()).await?;
    Ok(wrap(files.unwrap_or_default(), PRACTICE_DOWNLOAD))
}

fn wrap(files: Vec<pb::StoredFile>, download_purpose: &'static str) -> Vec<AttachedFile> {
    files
        .into_iter()
        .map(|file| AttachedFile {
            file,
            download_purpose,
        })
        .collect()
}

/// A new file for a training application.
#[derive(InputObject)]
pub struct CreateApplicationFileUploadInput {
    /// The application.
    pub application_id: ID,
    /// The file's name (1–255 characters, no path).
    pub file_name: String,
}

/// A new document of a coaching engagement's plan.
#[derive(InputObject)]
pub struct CreateCoachingPlanFileUploadInput {
    /// The engagement.
    pub engagement_id: ID,
    /// The file's name (1–255 characters, no path).
    pub file_name: String,
}

/// A new report for a practice.
#[derive(InputObject)]
pub struct CreatePracticeFileUploadInput {
    /// The practice.
    pub practice_id: ID,
    /// The file's name (1–255 characters, no path).
    pub file_name: String,
}

/// Mutations of applications', coaching plans' and practices' files.
#[derive(Default)]
pub struct FilesMutation;

/// Asks `service` whether the caller may attach `file_name` to `owner` (to its `part`, a
/// request's message, when not empty) and signs the link, which names all three.
pub(crate) async fn upload_link<S>(
    ctx: &Context<'_>,
    service: S,
    purpose: &'static str,
    owner: String,
    part: String,
    file_name: String,
) -> Result<AttachmentUpload>
where
    S: Service<
        Client = glocal_proto::common::v1::files_service_client::FilesServiceClient<
            tonic::transport::Channel,
        >,
    >,
{
    let message = pb::CheckFileUploadRequest {
        owner_id: owner.clone(),
        part_id: part.clone(),
        file_name: file_name.clone(),
    };
    let (mut client, request) = call(ctx, service, message)?;
    let checked = client
        .check_file_upload(request)
        .await
        .map_err(error::remote)?
        .into_inner();
    let caller = caller(ctx).ok_or_else(|| {
        error::coded(
            glocal_kit::ErrorCode::Unauthenticated,
            "authentication required",
            None,
        )
    })?;
    let ttl = attachment_links(ctx).ttl;
    let token =
        glocal_kit::identity::signer().link(caller, purpose, vec![owner, part, file_name], ttl);
    let urls = ctx.data::<PublicUrls>()?;
    Ok(AttachmentUpload {
        url: urls.gateway_url(&format!("/files/upload/{token}")),
        method: "PUT".into(),
        expires_at: DateTime(
            Utc::now() + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::minutes(5)),
        ),
        max_bytes: checked.max_bytes as f64,
    })
}

#[Object]
impl FilesMutation {
    /// A signed link to upload a paper to a training application, if the caller may: its
    /// applicant, while it is neither rejected nor withdrawn. NOT_FOUND for an application
    /// the caller may not see, FORBIDDEN for staff and other readers, CONFLICT for a closed
    /// one, BAD_USER_INPUT for a bad name or a full application. The upload itself checks
    /// size and type again.
    async fn create_application_file_upload(
        &self,
        ctx: &Context<'_>,
        input: CreateApplicationFileUploadInput,
    ) -> Result<AttachmentUpload> {
        upload_link(
            ctx,
            TrainingFiles,
            APPLICATION_UPLOAD,
            input.application_id.0,
            String::new(),
            input.file_name,
        )
        .await
    }

    /// A signed link to upload a document of a coaching engagement's plan (a draft while
    /// coaching runs, the delivered plan after), if the caller may: a manager of its
    /// edition, unless it was cancelled. NOT_FOUND for an engagement the caller may not
    /// see, FORBIDDEN for anyone but its edition's managers, CONFLICT `COACHING_CANCELLED`
    /// for a cancelled one, BAD_USER_INPUT for a bad name or a full engagement. The upload
    /// itself checks size and type again.
    async fn create_coaching_plan_file_upload(
        &self,
        ctx: &Context<'_>,
        input: CreateCoachingPlanFileUploadInput,
    ) -> Result<AttachmentUpload> {
        upload_link(
            ctx,
            TrainingFiles,
            COACHING_PLAN_UPLOAD,
            input.engagement_id.0,
            String::new(),
            input.file_name,
        )
        .await
    }

    /// A signed link to upload a report to a practice, if the caller may: bureau staff
    /// (who write practices), while it is not withdrawn. FORBIDDEN for anyone else,
    /// NOT_FOUND for no such practice, CONFLICT for a withdrawn one, BAD_USER_INPUT for a
    /// bad name or a full practice.
    async fn create_practice_file_upload(
        &self,
        ctx: &Context<'_>,
        input: CreatePracticeFileUploadInput,
    ) -> Result<AttachmentUpload> {
        upload_link(
            ctx,
            ResearchFiles,
            PRACTICE_UPLOAD,
            input.practice_id.0,
            String::new(),
            input.file_name,
        )
        .await
    }
}
